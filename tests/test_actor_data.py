"""Consistency checks for the actor data files kg/data/countries.tsv and kg/data/offices.tsv.

The files are read directly with the csv module (no import of the kg package), so these
tests check the data as shipped, independently of the code that consumes it.
"""

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "kg" / "data"
COUNTRIES = DATA_DIR / "countries.tsv"
OFFICES = DATA_DIR / "offices.tsv"

COUNTRY_COLUMNS = ["iso3", "iso2", "qid", "name", "names", "demonyms", "capital", "seats"]
OFFICE_COLUMNS = ["iso3", "office", "title", "name", "aliases", "start", "end"]
OFFICES_ALLOWED = {"head_of_state", "head_of_government", "foreign_minister"}
# Countries whose office holders the data must cover (G20 members without the EU, plus others).
REQUIRED_OFFICE_COUNTRIES = (
    "ARG AUS BRA CAN CHN FRA DEU IND IDN ITA JPN KOR MEX RUS SAU ZAF TUR GBR USA "
    "VNM IRN UKR ISR PHL NZL ESP POL NLD EGY TWN PRK PAK SGP MYS THA NGA KEN ETH "
    "COL CHL SWE NOR QAT ARE IRQ"
).split()
PERIOD_END = dt.date(2026, 11, 25)
# Every sovereign state must have at least one head of state or government: the 193 UN members plus
# Vatican City, Palestine, Kosovo and Taiwan.
SOVEREIGN_STATES = (
    "AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN "
    "BOL BIH BWA BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG COD "
    "CRI CIV HRV CUB CYP CZE PRK DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI "
    "FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN "
    "IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU "
    "LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM "
    "NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT "
    "KOR ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM "
    "ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV "
    "UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE VAT PSE XKX TWN"
).split()


def read_tsv(path):
    """Return (header, rows) of a TSV file, skipping '#' comment lines and blank lines."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    table = [[cell.rstrip("\r\n") for cell in row] for row in reader]
    assert table, f"{path} has no header"
    return table[0], table[1:]


def split_multi(cell):
    return cell.split("|") if cell else []


@pytest.fixture(scope="module")
def countries():
    header, rows = read_tsv(COUNTRIES)
    assert header == COUNTRY_COLUMNS
    return rows


@pytest.fixture(scope="module")
def offices():
    header, rows = read_tsv(OFFICES)
    assert header == OFFICE_COLUMNS
    return rows


def test_country_rows_have_right_number_of_columns(countries):
    bad = [(i, len(r), r[:1]) for i, r in enumerate(countries, 2) if len(r) != len(COUNTRY_COLUMNS)]
    assert not bad, bad


def test_office_rows_have_right_number_of_columns(offices):
    bad = [(i, len(r), r[:4]) for i, r in enumerate(offices, 2) if len(r) != len(OFFICE_COLUMNS)]
    assert not bad, bad


def test_country_codes(countries):
    iso3 = [r[0] for r in countries]
    iso2 = [r[1] for r in countries]
    bad3 = [c for c in iso3 if not re.fullmatch(r"[A-Z]{3}", c)]
    bad2 = [c for c in iso2 if not re.fullmatch(r"[A-Z]{2}", c)]
    assert not bad3, bad3
    assert not bad2, bad2
    assert len(set(iso3)) == len(iso3), sorted({c for c in iso3 if iso3.count(c) > 1})
    assert len(set(iso2)) == len(iso2), sorted({c for c in iso2 if iso2.count(c) > 1})
    # ISO 3166-1 has 249 entries; Kosovo (XKX) is added, Taiwan is TWN.
    assert len(iso3) >= 250
    for code in ("XKX", "TWN", "GBR", "USA", "CHN", "KOR", "PRK", "PSE", "VAT"):
        assert code in iso3, code


def test_qids(countries):
    bad = [(r[0], r[2]) for r in countries if r[2] and not re.fullmatch(r"Q\d+", r[2])]
    assert not bad, bad
    qids = [r[2] for r in countries if r[2]]
    assert len(set(qids)) == len(qids), sorted({q for q in qids if qids.count(q) > 1})
    known = {
        "JPN": "Q17",
        "GBR": "Q145",
        "CHN": "Q148",
        "USA": "Q30",
        "RUS": "Q159",
        "DEU": "Q183",
        "FRA": "Q142",
        "IND": "Q668",
        "KOR": "Q884",
        "PRK": "Q423",
        "TWN": "Q865",
        "XKX": "Q1246",
    }
    by_iso = {r[0]: r[2] for r in countries}
    assert {k: by_iso.get(k) for k in known} == known


def test_country_cells_are_clean(countries):
    problems = []
    for r in countries:
        if not r[3]:
            problems.append((r[0], "empty name"))
        names = split_multi(r[4])
        if r[3] not in names:
            problems.append((r[0], "name not in names"))
        for col, cell in zip(COUNTRY_COLUMNS[3:], r[3:], strict=True):
            for v in split_multi(cell) if col != "name" else [cell]:
                if v != v.strip() or not v:
                    problems.append((r[0], col, repr(v)))
                if col == "names" and v.lower().startswith("the "):
                    problems.append((r[0], "leading 'the'", v))
    assert not problems, problems


def _surface_strings(countries, offices):
    """Map each surface string to {iso3: [kinds]} over countries.tsv and office names/aliases."""
    seen = defaultdict(lambda: defaultdict(list))
    for r in countries:
        iso3 = r[0]
        for col in ("names", "demonyms", "capital", "seats"):
            for v in split_multi(r[COUNTRY_COLUMNS.index(col)]):
                seen[v][iso3].append(col)
        seen[r[3]][iso3].append("name")
    for r in offices:
        iso3 = r[0]
        seen[r[3]][iso3].append("office name")
        for v in split_multi(r[4]):
            seen[v][iso3].append("office alias")
    return seen


def test_no_string_belongs_to_two_countries(countries, offices):
    seen = _surface_strings(countries, offices)
    # Compare case-insensitively, so that "Congo" and "CONGO" also count as the same string.
    folded = defaultdict(dict)
    for s, by_iso in seen.items():
        folded[s.casefold()][s] = {iso3: kinds for iso3, kinds in by_iso.items()}
    collisions = {}
    for key, variants in folded.items():
        isos = {iso3 for by_iso in variants.values() for iso3 in by_iso}
        if len(isos) > 1:
            collisions[key] = variants
    for key, variants in sorted(collisions.items()):
        print(f"COLLISION {key!r}: {variants}")
    assert not collisions, sorted(collisions)


def test_offices_refer_to_known_countries_and_offices(countries, offices):
    iso3 = {r[0] for r in countries}
    bad_iso = sorted({r[0] for r in offices if r[0] not in iso3})
    bad_office = sorted({r[1] for r in offices if r[1] not in OFFICES_ALLOWED})
    assert not bad_iso, bad_iso
    assert not bad_office, bad_office
    missing_names = [r for r in offices if not r[3] or not r[2]]
    assert not missing_names, missing_names


def test_required_countries_have_office_holders(offices):
    covered = defaultdict(set)
    for r in offices:
        covered[r[0]].add(r[1])
    missing = [
        c
        for c in REQUIRED_OFFICE_COUNTRIES
        if "foreign_minister" not in covered[c]
        or not ({"head_of_state", "head_of_government"} & covered[c])
    ]
    assert not missing, missing


def _parse_terms(offices):
    terms = []
    errors = []
    for r in offices:
        try:
            start = dt.date.fromisoformat(r[5])
            end = dt.date.fromisoformat(r[6]) if r[6] else None
        except ValueError as e:
            errors.append((r[0], r[1], r[3], str(e)))
            continue
        iso_date = r"\d{4}-\d{2}-\d{2}"
        if not re.fullmatch(iso_date, r[5]) or (r[6] and not re.fullmatch(iso_date, r[6])):
            errors.append((r[0], r[1], r[3], "date not YYYY-MM-DD"))
        terms.append((r, start, end))
    return terms, errors


def test_office_dates(offices):
    terms, errors = _parse_terms(offices)
    assert not errors, errors
    bad_order = [(r[0], r[1], r[3], r[5], r[6]) for r, s, e in terms if e is not None and s > e]
    assert not bad_order, bad_order
    # every term overlaps the period of interest
    outside = [
        (r[0], r[3], r[5], r[6])
        for r, s, e in terms
        if s > PERIOD_END or (e is not None and e < dt.date(2015, 1, 1))
    ]
    assert not outside, outside


def test_office_terms_do_not_overlap(offices):
    terms, errors = _parse_terms(offices)
    assert not errors
    groups = defaultdict(list)
    for r, s, e in terms:
        groups[(r[0], r[1])].append((s, e or dt.date.max, r[3]))
    overlaps = []
    for key, ts in groups.items():
        ts.sort()
        for i in range(len(ts)):
            for j in range(i + 1, len(ts)):
                s1, e1, n1 = ts[i]
                s2, e2, n2 = ts[j]
                overlap = (min(e1, e2) - max(s1, s2)).days
                if overlap > 1:
                    overlaps.append((key, n1, n2, overlap))
    for o in overlaps:
        print("OVERLAP", o)
    assert not overlaps, overlaps


def test_at_most_one_open_term_per_office(offices):
    open_terms = defaultdict(list)
    for r in offices:
        if not r[6]:
            open_terms[(r[0], r[1])].append(r[3])
    bad = {k: v for k, v in open_terms.items() if len(v) > 1}
    assert not bad, bad


def test_every_sovereign_state_has_a_leader(offices):
    assert len(set(SOVEREIGN_STATES)) == 197
    leaders = {r[0] for r in offices if r[1] in ("head_of_state", "head_of_government")}
    missing = [c for c in SOVEREIGN_STATES if c not in leaders]
    assert not missing, missing


def test_trailing_comment_lines_name_a_country(countries):
    iso3 = {r[0] for r in countries}
    bad = []
    with open(OFFICES, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"# (approximate|note): (\S+) ", line)
            if m and m.group(2) not in iso3:
                bad.append(line.strip())
    assert not bad, bad

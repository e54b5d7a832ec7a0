"""Derive kg/data/lexicon/cameo.tsv from PETRARCH-2's CAMEO verb dictionary.

    python scripts/derive_lexicon.py            # rewrites kg/data/lexicon/cameo.tsv
    python scripts/derive_lexicon.py --check    # exit 1 if the shipped file differs

Inputs (scripts/lexicon-sources/, provenance in kg/data/lexicon/SOURCES.md):
  CAMEO.2.0.txt          verb blocks, their synonyms and verb patterns with CAMEO codes (MIT)
  CAMEO2PLOVER-2021.txt  CAMEO code -> PLOVER type and mode (CC BY-SA 4.0)
and kg's own choices: kg/data/lexicon/kinds.tsv (PLOVER type or CAMEO code -> kg kind) and
kg/data/lexicon/bare.tsv (the verbs that name an act without a pattern's objects).

Each output row is one trigger: a regular expression over lower-cased text that starts with
a verb form, the kind and roles it gives, and the CAMEO codes and verbs it came from. A
pattern's objects ("- * AID", "- * (TO BORDER)") follow the verb within a few words, in
order; patterns whose words before the verb matter, or that are negated, are left out.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "lexicon-sources"
LEXICON = ROOT / "kg" / "data" / "lexicon"

# What may stand between a pattern's words: a few words, but no word that opens a clause
# ("rejecting the claim that trade …" is no rejection of trade), and before an object no
# preposition either ("war broke out between Sudan's army": the army is no object of "broke").
CLAUSE = ("that", "which", "who", "whom", "whose", "and", "but", "or", "while", "when",
          "after", "before", "because", "if", "as", "since", "said", "says")
PREPOSITIONS = ("of", "in", "on", "at", "to", "from", "with", "by", "for", "between",
                "among", "against", "into", "over", "under", "about", "through", "during",
                "across", "toward", "towards", "via", "near", "out", "off", "up", "down")


def _gap(most: int, stops: tuple[str, ...]) -> str:
    return "(?:(?!(?:" + "|".join(stops) + r") )[\w'’-]+ ){0," + str(most) + "}?"


# Written once in the derived file, as rows like synsets, and named in its patterns.
GAPS = {
    "&_TO_OBJECT": _gap(4, CLAUSE + PREPOSITIONS),  # "sent [tons of] aid" is no object…
    "&_TO_PHRASE": _gap(4, CLAUSE),  # …but "rushed [more troops] to the border" is a phrase
    "&_IN_PHRASE": _gap(3, CLAUSE + PREPOSITIONS),  # "to [the disputed] border"
}
GAP_TO_OBJECT, GAP_TO_PHRASE, GAP_IN_PHRASE = ("{" + name + "}" for name in GAPS)
# After these a bare verb's past or -ing form is a noun or an adjective ("the killing of",
# "Georgia's occupied territories", "terrorist attacks"), not an act with a subject.
NOMINAL = ("the", "a", "an", "'s", "’s", "of", "this", "that", "its", "their", "his", "her",
           "terrorist", "militant", "rebel", "insurgent", "jihadist", "separatist")
# After a number or a quantifier a past or third-person form is a noun or an adjective too
# ("two exiled dissidents", "several raids"); after a preposition a past form is an
# adjective ("met with exiled dissidents", "settlers in occupied territories"), while an
# -ing form there is a verb ("accused of attacking").
QUANTIFIER = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens",
              "hundreds", "thousands", "several", "many", "some", "these", "those", "other",
              "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
PREPOSITION = ("with", "from", "for", "in", "on", "at", "into", "among", "against", "about")
# After a conjunction or a preposition a third-person form is a plural noun ("as shells
# continued crashing", "with attacks on"); "Russia shells Kyiv" has its subject there.
JOINING = PREPOSITION + ("as", "and", "or", "by", "amid", "after", "before", "despite", "under")
# The base form is also a noun or an imperative: only after words that make it a verb.
AUXILIARY = ("to", "will", "would", "could", "not", "did", "may", "might", "shall", "must")
# Words that say too little to stand for a pattern's object: "- * OFF [130]", "- * (IN)".
FUNCTION = set("""in on at to from with by for of off out away up down over into onto about
against if that as back through toward towards under around after before it them him her this
there here again together forward ahead along behind between among upon within without across
one more new all any some""".split())


def verb_forms(word: str) -> dict[str, str]:
    """Regular English forms of a verb, by PETRARCH's rules: {form: tag} (base, s, ed, ing)."""
    forms = {word: "base"}
    if re.search(r"[^aeiou]y$", word):
        forms[word[:-1] + "ies"] = "s"
        forms[word[:-1] + "ied"] = "ed"
    else:
        forms[word + ("es" if re.search(r"(?:s|sh|ch|x|z|o)$", word) else "s")] = "s"
        forms[word + ("d" if word.endswith("e") else "ed")] = "ed"
    forms[(word[:-1] if re.search(r"[^e]e$", word) else word) + "ing"] = "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", word):
        # stab -> stabbed, shell -> shelled: a doubled consonant is a form too
        forms[word + word[-1] + "ed"] = "ed"
        forms[word + word[-1] + "ing"] = "ing"
    return forms


def _phrase_forms(entry: str, irregular: list[str]) -> dict[str, str]:
    """Forms of a dictionary verb entry ("+BEEF_UP", "WIRE_+TAP", "SPEED {SPED ...}")."""
    words = entry.lower().split("_")
    mark = next((i for i, w in enumerate(words) if w.startswith("+")), 0)
    words = [w.lstrip("+") for w in words]
    before, head, after = words[:mark], words[mark], words[mark + 1:]
    if irregular:
        forms = {head if not before and not after else " ".join(words): "base"}
        for form in irregular:
            text = form.lower().replace("+", "").replace("_", " ")
            forms[text] = "ing" if text.split()[mark].endswith("ing") else (
                "s" if text.split()[mark].endswith("s") else "ed")
        forms = {(f if " " in f else " ".join(before + [f] + after)): t
                 for f, t in forms.items()}
        return forms
    if after and re.search(r"(?:ed|ing)$", head):
        return {" ".join(words): "ed"}  # "+KILLED_AND": a form already
    return {" ".join(before + [f] + after): t for f, t in verb_forms(head).items()}


def parse_dictionary(text: str):  # type: ignore[no-untyped-def]
    """Synsets, and verb blocks: (name, default code, {verb: {form: tag}}, [(line, code)])."""
    synsets: dict[str, list[str]] = {}
    blocks: list[tuple[str, str, dict[str, dict[str, str]], list[tuple[str, str]]]] = []
    section = "head"
    current: str | None = None
    for raw in text.splitlines():
        if raw.startswith("####### SYNONYM"):
            section = "synsets"
            continue
        if raw.startswith("####### VERB"):
            section = "verbs"
            continue
        if raw.startswith("######## TRANSFORMATIONS"):
            break
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if section == "synsets":
            if line.startswith("&"):
                current = line.strip()
                synsets[current] = []
            elif line.startswith("+") and current:
                synsets[current].append(line[1:].strip())
        elif section == "verbs":
            head = re.match(r"---\s+(\S+)\s+\[([^\]]*)\]", line)
            if head:
                blocks.append((head.group(1), head.group(2), {}, []))
            elif line.startswith("-") and blocks:
                found = re.match(r"-\s*(.*?)\s*\[([^\]]*)\]", line)
                if found:
                    blocks[-1][3].append((found.group(1), found.group(2)))
            elif blocks and re.match(r"[A-Z+&]", line):
                entry = re.match(r"(\S+)\s*(?:\{([^}]*)\})?", line.strip())
                assert entry
                irregular = (entry.group(2) or "").split()
                name = entry.group(1).lower().replace("+", "").replace("_", " ")
                blocks[-1][2][name] = _phrase_forms(entry.group(1), irregular)
    return synsets, blocks


def parse_plover(text: str) -> dict[str, tuple[str, str]]:
    """CAMEO code -> (PLOVER type, mode), from CAMEO2PLOVER."""
    table = {}
    for line in text.splitlines():
        found = re.match(r"(\d{2,4}):\s*([A-Z]+)\s*(?:,\s*([^,#]*))?", line)
        if found:
            table.setdefault(found.group(1), (found.group(2), (found.group(3) or "").strip()))
    return table


def read_tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def kind_of(code: str, plover: dict[str, tuple[str, str]],
            kinds: dict[str, tuple[str, str]]) -> tuple[str, str, str] | None:
    """(kind, roles, PLOVER type) of a CAMEO code, or None when kg records no such fact."""
    for n in range(len(code), 1, -1):  # the longest CAMEO code key
        if code[:n] in kinds:
            kind, roles = kinds[code[:n]]
            ptype = _plover_of(code, plover)
            return (kind, roles, ptype) if kind != "-" else None
    ptype = _plover_of(code, plover)
    if not ptype:
        return None
    ptype_only, mode = ptype.split("/")[0], ptype.split("/")[1] if "/" in ptype else ""
    for key in (f"{ptype_only}/{mode}", ptype_only):
        if key in kinds:
            kind, roles = kinds[key]
            return (kind, roles, ptype) if kind != "-" else None
    return None


def _plover_of(code: str, plover: dict[str, tuple[str, str]]) -> str:
    for n in range(len(code), 1, -1):
        if code[:n] in plover:
            ptype, mode = plover[code[:n]]
            return f"{ptype}/{mode}" if mode else ptype
    return ""


_TOKEN = re.compile(r"\{[^}]*\}|\([^)]*\)|\S+")


def _noun(text: str, synsets: dict[str, list[str]]) -> str | None:
    """A noun or noun phrase of a pattern as a regex, a plural allowed on its last word."""
    text = text.strip("{}").strip()
    words = [w for w in text.split() if w not in ("$", "+", "^", "%")]
    if not words:
        return None
    parts = []
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if word.startswith("&"):
            if word not in synsets:
                return None  # PETRARCH ignores a pattern with an unknown synset too
            parts.append("{" + word + "}")  # defined once, in the file's synset rows
        else:
            plain = word.rstrip("_").lower().replace("_", " ")
            if not re.fullmatch(r"[a-z][a-z' -]*", plain):
                return None
            parts.append(_escape(plain) + (_PLURAL if last and not word.endswith("_") else ""))
    return " ".join(parts)


_PLURAL = "(?:s|es)?"


def pattern_tail(post: str, synsets: dict[str, list[str]]) -> tuple[str, ...] | None:
    """The words a pattern wants after its verb, as a regex (None: no usable pattern)."""
    elements = []
    content = False  # a word beyond the FUNCTION words
    for token in _TOKEN.findall(post):
        if token in ("$", "+", "^", "%"):
            continue
        if token.startswith("("):
            inner = _TOKEN.findall(token[1:-1])
            prep = inner[0].lower() if inner else ""
            if not re.fullmatch(r"[a-z]+", prep):
                return None
            rest = [t for t in inner[1:] if t not in ("$", "+", "^", "%")]
            if rest:
                noun = _noun(" ".join(rest), synsets)
                if noun is None:
                    return None
                elements.append((GAP_TO_PHRASE, prep + " " + GAP_IN_PHRASE + noun))
                content = content or bool(set(_words(rest)) - FUNCTION)
            else:
                elements.append((GAP_TO_PHRASE, prep))
        else:
            noun = _noun(token, synsets)
            if noun is None:
                return None
            elements.append((GAP_TO_OBJECT, noun))
            content = content or bool(set(_words([token])) - FUNCTION)
    if not content:
        return None  # "- * (TO)": a bare preposition says too little
    return tuple(part for gap, element in elements for part in (" " + gap, element))


def _trie(tails: list[tuple[str, ...]]) -> str:
    """Tails sharing their first parts written once: one gap, then the words it may reach.

    A regex of many alternatives that each open with the same gap tries that gap once per
    alternative; this one tries it once. Longer continuations are tried first.
    """
    groups: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for tail in tails:
        groups[tail[0]].append(tail[1:])
    parts = []
    for first, rests in sorted(groups.items()):
        longer = [r for r in rests if r]
        if not longer:
            parts.append(first)
        else:
            rest = _trie(longer)
            parts.append(first + (f"(?:{rest})?" if len(longer) < len(rests) else rest))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _words(tokens: list[str]) -> list[str]:
    return [w.lower() for t in tokens for w in re.findall(r"[A-Za-z&'_-]+", t)]


def _escape(text: str) -> str:
    return re.escape(text).replace("\\ ", " ")


def _alternation(forms: list[str]) -> str:
    return "(?:" + "|".join(_escape(f) for f in sorted(set(forms), key=lambda f: (-len(f), f))) \
        + ")"


def _synset(name: str, entries: list[str]) -> str:
    """A synset as a regex; plurals as PETRARCH makes them, unless a "_" forbids them."""
    alts = []
    for entry in entries:
        plain = entry.rstrip("_").lower().replace("_", " ")
        plural = not entry.endswith("_") and not name.endswith("_")
        if plural and re.search(r"[^aeiou]y$", plain):
            alts.append(_escape(plain[:-1]) + "(?:y|ies)")
        else:
            alts.append(_escape(plain) + (_PLURAL if plural else ""))
    return "(?:" + "|".join(sorted(set(alts))) + ")"


def derive(cameo_text: str, plover_text: str, kinds_rows: list[list[str]],
           bare_rows: list[list[str]]) -> str:
    synsets, blocks = parse_dictionary(cameo_text)
    plover = parse_plover(plover_text)
    kinds = {row[0]: (row[1], row[2]) for row in kinds_rows}
    bare = {row[0]: {v.replace("_", " ") for v in row[1].split()} for row in bare_rows}
    rows: dict[tuple[str, str, str], dict] = defaultdict(
        lambda: {"codes": set(), "verbs": set(), "tails": set(), "bare": set()})
    for name, default, verbs, patterns in blocks:
        if kinds.get(f"block:{name}", ("",))[0] == "-":
            continue
        all_forms = [f for forms in verbs.values() for f in forms]
        readings: dict[str, set[tuple[str, str, str, str] | None]] = defaultdict(set)
        for pre_post, code in patterns:
            code = code.split(":")[0].strip()
            if not re.fullmatch(r"\d{2,4}", code) or "*" not in pre_post:
                continue
            pre, post = pre_post.split("*", 1)
            pre_words = {w.lower() for w in pre.split()}
            if pre_words - {"$", "+"}:
                continue  # "&MILITARY * [072]", "WILL NOT * ...": kg reads no subject heads
            tail = pattern_tail(post, synsets)
            if tail is None:
                continue
            mapped = kind_of(code, plover, kinds)
            if kinds.get(f"block:{name}:{code}", ("",))[0] == "-":
                mapped = None  # one code of a block left out ("heighten tensions" is no rejection)
            if mapped is not None and ("+" in pre_words or "$" in post.split()):
                mapped = (mapped[0], "backward" if mapped[1] == "forward" else "forward",
                          mapped[2])
            readings[tail].add(None if mapped is None else (*mapped, code))
        for tail, found in sorted(readings.items()):
            if len({r[:2] if r else None for r in found}) > 1:
                continue  # one pattern, two codes kg reads differently ("SEND * MESSAGE"
                # is 040 and 130): the dictionary cannot tell, so neither is read
            reading = next(iter(found))
            if reading is None:
                continue
            kind, roles, ptype, _ = reading
            entry = rows[(name, kind, roles)]
            entry["codes"].update(f"{r[3]}:{r[2]}" for r in found if r)
            entry["tails"].add(tail)
            entry["verbs"].update(verbs)
            entry["forms"] = all_forms
        code = default.split(":")[0].strip()
        if name in bare and re.fullmatch(r"\d{2,4}", code):
            mapped = kind_of(code, plover, kinds)
            if mapped is None:
                continue
            kind, roles, ptype = mapped
            wanted = bare[name]
            unknown = wanted - set(verbs)
            if unknown:
                raise ValueError(f"bare.tsv: {name} has no verb {sorted(unknown)}")
            entry = rows[(name, kind, roles)]
            entry["codes"].add(f"{code}:{ptype}")
            for verb in sorted(wanted):
                entry["bare"].update(verbs[verb].items())
                entry["verbs"].add(verb)
            entry.setdefault("forms", all_forms)
    for name in bare:
        if not any(key[0] == name for key in rows):
            raise ValueError(f"bare.tsv: no mapped verb block {name}")
    out = ["# Derived by scripts/derive_lexicon.py from PETRARCH-2's CAMEO.2.0.txt (MIT) and",
           "# PLOVER's CAMEO2PLOVER-2021.txt (CC BY-SA 4.0), through kinds.tsv and bare.tsv:",
           "# see SOURCES.md. Do not edit: change the inputs and run the script.",
           "# Rows: &SYNSET and its regex (used in patterns as {&SYNSET}), then triggers:",
           "# block\tkind\troles\tcameo:plover\tverbs\tfirst words of its matches\tpattern"]
    used = {m for entry in rows.values() for tail in entry["tails"]
            for m in re.findall(r"\{(&[A-Z_]+)\}", "".join(tail))}
    out += [f"{name}\t{gap}" for name, gap in GAPS.items()]
    for name in sorted(used - set(GAPS)):
        out.append(f"{name}\t{_synset(name, synsets[name])}")
    for (name, kind, roles), entry in sorted(rows.items()):
        alternatives = []
        words = {f.split()[0] for f, _ in entry["bare"]}
        if entry["tails"]:
            words |= {f.split()[0] for f in entry["forms"]}
            tails = sorted(entry["tails"])
            alternatives.append(_alternation(entry["forms"]) + _trie(tails))
        if entry["bare"]:
            base = sorted(f for f, t in entry["bare"] if t == "base")
            gerunds = sorted(f for f, t in entry["bare"] if t == "ing")
            # "the killing of", "Nijjar's killing", "Georgia's occupied territories",
            # "terrorist attacks": a noun or an adjective, whose sides are no subject and
            # object; "bombing Kyiv", "Russia attacks Ukraine" are verbs.
            behind = "".join(f"(?<!\\b{w} )" for w in NOMINAL + QUANTIFIER)
            past = sorted(f for f, t in entry["bare"] if t == "ed")
            third = sorted(f for f, t in entry["bare"] if t == "s")
            if past:
                alternatives.append(behind + "".join(f"(?<!\\b{w} )" for w in PREPOSITION)
                                    + _alternation(past))
            if third:
                alternatives.append(behind + "".join(f"(?<!\\b{w} )" for w in JOINING)
                                    + _alternation(third))
            if gerunds:
                # Not ", killing or wounding 50": the result of the act just told, whose
                # sides are the main clause's, not the words around it.
                alternatives.append("".join(f"(?<!\\b{w} )" for w in NOMINAL)
                                    + "(?<!, )(?<!, or )" + _alternation(gerunds))
            if base:
                behind = "".join(f"(?<=\\b{a} )|" for a in AUXILIARY).rstrip("|")
                alternatives.append(f"(?:{behind})" + _alternation(base))
        out.append("\t".join([name, kind, roles, " ".join(sorted(entry["codes"])),
                              " ".join(sorted(v.replace(" ", "_") for v in entry["verbs"])),
                              " ".join(sorted(words)), "|".join(alternatives)]))
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = derive((SOURCES / "CAMEO.2.0.txt").read_text("utf-8", errors="replace"),
                  (SOURCES / "CAMEO2PLOVER-2021.txt").read_text("utf-8"),
                  read_tsv(LEXICON / "kinds.tsv"), read_tsv(LEXICON / "bare.tsv"))
    target = LEXICON / "cameo.tsv"
    if "--check" in argv:
        same = target.is_file() and target.read_text("utf-8") == text
        print("up to date" if same else f"{target} differs from what the sources give")
        return 0 if same else 1
    target.write_text(text, "utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Views of a graph: tables and serialisations (render), statistics (stats), the pair and
country analysis (analysis), and the interactive HTML graph (graphview, viz, vizpyvis).
"""

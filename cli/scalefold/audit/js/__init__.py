"""JavaScript and TypeScript analysis on tree-sitter syntax trees.

`analysis.analyse` parses one file and runs the visitors of the rules (``visitors``) over the nodes
they asked for; what they report is plain, picklable data (``facts``) shared by every rule and
returned from worker processes. ``syntax.JsFile`` is the parsed file and the helpers visitors read
it with.
"""

"""The rules, one module per rule, grouped by category (``rules/<category>/<rule>.py``).

Each module builds one ``Rule`` named ``RULE``; ``scalefold.audit.registry`` imports and lists
them. Helpers shared by the rules of a category live in that category's ``common.py``.
"""

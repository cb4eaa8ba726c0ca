"""Field checks that must run before the INSERT rather than after it."""


def check_nul_before_create(model, vals_list, field_names, check):
    """Give values holding NUL characters to `check` before create() inserts them.

    Constraints run after the INSERT, and PostgreSQL refuses NUL with a database error; checked
    first, the user reads the field's own rule instead."""
    for vals in vals_list:
        if any(isinstance(vals.get(name), str) and "\x00" in vals[name] for name in field_names):
            check(model.new(vals))

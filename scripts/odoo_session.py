"""Open an Odoo environment from a plain script (demo, benchmark, drills).

Scripts take `--odoo-config` and `--odoo-database` (scripts/odoo-env.sh's odoo_python
passes them) and run their work inside `environment()`."""

import argparse
import contextlib

import odoo
from odoo import SUPERUSER_ID, api


def parse_args(parser=None):
    """Parse the script's own arguments plus the Odoo ones, and configure Odoo."""
    parser = parser or argparse.ArgumentParser()
    parser.add_argument("--odoo-config", required=True)
    parser.add_argument("--odoo-database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.odoo_config, "-d", args.odoo_database])
    return args


@contextlib.contextmanager
def environment(database, context=None):
    """A superuser environment on its own cursor; committed when the block ends without
    error."""
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context or {})

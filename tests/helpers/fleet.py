"""A PostgreSQL server holding a small fleet for the fleet tests: Odoo-shaped databases of
several versions, one database that is not Odoo's, one the fleet's role may not open, and
databases of another owner that Odoo's list leaves out.

The fleet's role owns its databases and reads their tables through pg_read_all_data (the
copies' tables belong to the template's owner), as a monitoring role of a hosting partner
would; it connects over TCP without a password (the test cluster trusts it).
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from testkit.pgcluster import PgCluster
from tests.helpers.db import EmptyTemplates

ROLE = "mailq_fleet"
# name -> version (None: not an Odoo database)
DATABASES: dict[str, int | None] = {
    "fleet_acme": 16,
    "fleet_brick": 17,
    "fleet_crane": 18,
    "fleet_delta": 19,
    "fleet_notodoo": None,
    "fleet_old": 17,  # its base module says 15.0: a version the console does not know
}
LOCKED = "fleet_locked"  # Odoo's, owned by the role, but the role may not connect to it
FOREIGN = "fleet_foreign"  # Odoo's, owned by another role: not in Odoo's list


@dataclass(frozen=True)
class FleetServer:
    cluster: PgCluster
    role: str

    @property
    def url(self) -> str:
        """The server, no database: postgresql://role@host:port/."""
        return f"postgresql://{self.role}@{self.cluster.host}:{self.cluster.port}/"

    def database_url(self, name: str) -> str:
        return self.cluster.url(name)

    def execute(self, name: str, statement: str) -> None:
        with self.cluster.connect(name) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def odoo_conf(self, db_name: str = "", dbfilter: str = "") -> str:
        return (
            "[options]\n"
            f"db_host = {self.cluster.host}\ndb_port = {self.cluster.port}\n"
            f"db_user = {self.role}\ndb_password = fleet-secret-pw\n"
            f"db_name = {db_name}\ndbfilter = {dbfilter}\n"
        )


def build_fleet(cluster: PgCluster, templates: EmptyTemplates) -> FleetServer:
    """The fleet's role and databases, made afresh (dropped first if a run left them)."""
    with cluster.connect() as conn:
        for name in [*DATABASES, LOCKED, FOREIGN]:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE pg_read_all_data").format(sql.Identifier(ROLE))
        )
    for name, version in [*DATABASES.items(), (LOCKED, 17), (FOREIGN, 17)]:
        owner = None if name == FOREIGN else ROLE
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if version is not None:
            templates.template("pg", version, cluster)
            template = sql.Identifier(f"mailq_empty_tpl_{version}")
            statement = sql.SQL("{} TEMPLATE {}").format(statement, template)
        if owner:
            statement = sql.SQL("{} OWNER {}").format(statement, sql.Identifier(owner))
        with cluster.connect() as conn:
            conn.execute(statement)
    with cluster.connect() as conn:
        conn.execute(
            sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC, {}").format(
                sql.Identifier(LOCKED), sql.Identifier(ROLE)
            )
        )
    server = FleetServer(cluster, ROLE)
    # Distinct numbers per database: brick's queue cron is 3 hours late, crane has 60
    # more failed mails, delta is healthy.
    server.execute(
        "fleet_brick",
        "UPDATE ir_cron SET active = true, nextcall = now() at time zone 'utc' - interval "
        "'3 hours' WHERE id = (SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND "
        "module = 'mail' AND name = 'ir_cron_mail_scheduler_action')",
    )
    server.execute(
        "fleet_crane",
        "INSERT INTO mail_mail (state, mail_message_id, failure_reason, create_date) "
        "SELECT 'exception', (SELECT min(id) FROM mail_message), 'SMTP 554 refused', "
        "now() at time zone 'utc' FROM generate_series(1, 60)",
    )
    server.execute(
        "fleet_old", "UPDATE ir_module_module SET latest_version = '15.0.1.3' WHERE name = 'base'"
    )
    for statement in (  # delta is healthy: nothing failed or waiting, its cron on time all day
        "UPDATE mail_mail SET state = 'sent' WHERE state IN ('exception', 'outgoing')",
        "UPDATE mail_notification SET notification_status = 'sent' "
        "WHERE notification_status IN ('exception', 'bounce')",
        "UPDATE ir_cron SET nextcall = now() at time zone 'utc' + interval '1 day'",
    ):
        server.execute("fleet_delta", statement)
    return server


def drop_fleet(cluster: PgCluster) -> None:
    with cluster.connect() as conn:
        for name in [*DATABASES, LOCKED, FOREIGN]:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))

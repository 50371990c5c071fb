"""What the test suite (tests/) and the benchmarks (bench/) share, and nothing else uses.

- ``testkit.pgcluster``: a throwaway PostgreSQL cluster (initdb in a temporary directory);
- ``testkit.smtp_server``: a real SMTP server on loopback (aiosmtpd) that can misbehave;
- ``testkit.odoo_dbs``: Odoo-shaped databases built by the sample generator (sample_db/);
- ``testkit.net``: a free TCP port.

Not shipped: pyproject.toml's package list takes ``console*`` only and excludes this.
"""

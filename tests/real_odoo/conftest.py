"""Fixtures of the real-Odoo tier: one ``OdooInstance`` per configured version.

Every test here is marked ``real_odoo`` and is parametrised over the versions 16-19 through
the ``odoo`` fixture; a version without ``ODOO_SRC_V`` is skipped with the reason. The four
template databases are built (or restored from the cache) in parallel on first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from testkit.pgcluster import PgCluster
from tests.real_odoo.environment import VERSIONS, odoo_python, skip_reason, tree
from tests.real_odoo.odoo_instance import OdooInstance


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.real_odoo)
            item.add_marker(pytest.mark.slow)


class OdooInstances:
    """Builds each version's instance (virtualenv, template) once, several at a time."""

    def __init__(self, cluster: PgCluster, workdir: Path) -> None:
        self.cluster = cluster
        self.workdir = workdir
        self.instances: dict[int, OdooInstance] = {}
        self.failures: dict[int, BaseException] = {}
        self._started = False

    def _prepare(self, version: int) -> OdooInstance:
        odoo_tree = tree(version)
        assert odoo_tree is not None
        instance = OdooInstance(
            odoo_tree, odoo_python(version), self.cluster, self.workdir / f"odoo{version}"
        )
        instance.template()
        return instance

    def _start_all(self) -> None:
        if self._started:
            return
        self._started = True
        available = [v for v in VERSIONS if skip_reason(v) is None]
        with ThreadPoolExecutor(max_workers=2) as pool:  # 2 cores on CI
            futures = {v: pool.submit(self._prepare, v) for v in available}
        for version, future in futures.items():
            error = future.exception()
            if error is None:
                self.instances[version] = future.result()
            else:
                self.failures[version] = error

    def get(self, version: int) -> OdooInstance:
        reason = skip_reason(version)
        if reason is not None:
            pytest.skip(reason)
        self._start_all()
        if version in self.failures:
            raise self.failures[version]
        return self.instances[version]

    def close(self) -> None:
        for instance in self.instances.values():
            instance.close()


@pytest.fixture(scope="session")
def odoo_instances(
    pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OdooInstances]:
    instances = OdooInstances(pg_cluster, tmp_path_factory.mktemp("odoo"))
    yield instances
    instances.close()


@pytest.fixture(scope="module", params=VERSIONS, ids=[f"odoo{v}" for v in VERSIONS])
def odoo(request: pytest.FixtureRequest, odoo_instances: OdooInstances) -> OdooInstance:
    """Real Odoo of one version (the test runs once per version)."""
    return odoo_instances.get(int(request.param))

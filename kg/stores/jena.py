"""Apache Jena from Debian (``libapache-jena-java``, 4.5): how to start its command classes.

Debian ships Jena's libraries and command classes (ARQ, RIOT, TDB2 with its bulk loader,
Jena SHACL) but no launcher, and a naive classpath does not start:

* every jar in /usr/share/java gives two slf4j bindings, which loop: only Jena's jars and
  their Debian dependencies are named, with exactly one binding (slf4j-simple);
* Debian's jena-core moves its bundled Xerces classes to the package ``xerces.*`` but
  leaves their message bundles under ``org/apache/jena/ext/xerces/``, so Jena's first
  datatype check dies with "RuntimeException: internal error". The bundles are copied
  once, out of jena-core.jar, to the path the moved classes expect (a small shim
  directory in the user's cache), which goes on the classpath.

From the shell: ``python -m kg.stores.jena riotcmd.riot --validate FILE`` runs a command
class; ``python -m kg.stores.jena --classpath`` prints the classpath.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from kg.errors import KgError

__all__ = ["JavaMissing", "JenaMissing", "classpath", "jena_command", "run_jena"]

DEBIAN_JARS = Path("/usr/share/java")
# Jena's own jars and the Debian libraries they need; one slf4j binding only.
_JARS = (
    "jena-base jena-core jena-arq jena-iri jena-shacl jena-shex jena-cmds jena-tdb2 jena-tdb "
    "jena-dboe-base jena-dboe-index jena-dboe-storage jena-dboe-trans-data "
    "jena-dboe-transaction jena-rdfconnection commons-cli commons-codec commons-compress "
    "commons-csv commons-io commons-lang3 dexx.collection gson guava httpclient "
    "httpclient-cache httpcore jackson-core jackson-databind jackson-annotations jsonld-java "
    "jakarta.json-api protobuf thrift titanium-json-ld slf4j-api slf4j-simple"
).split()
_BUNDLES = "org/apache/jena/ext/xerces/"


class JenaMissing(KgError):
    """Debian's libapache-jena-java is not installed."""


class JavaMissing(KgError):
    """No ``java`` to run Jena with."""


def _shim_directory() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("SIEGE626_JENA_SHIM", Path(cache) / "siege626" / "jena-shim"))


def _make_shim(core_jar: Path, shim: Path) -> None:
    """Copy Xerces' message bundles out of jena-core.jar to ``xerces/…`` under ``shim``.

    Written beside the target and renamed into place, so two processes that make it at
    once never see half a shim.
    """
    shim.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".jena-shim-", dir=shim.parent))
    try:
        with zipfile.ZipFile(core_jar) as jar:
            for name in jar.namelist():
                if name.startswith(_BUNDLES) and name.endswith(".properties"):
                    target = staging / "xerces" / name[len(_BUNDLES) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
        try:
            staging.rename(shim)
        except OSError:
            if not shim.is_dir():  # not another process's finished shim: a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def classpath(jars: Path = DEBIAN_JARS) -> str:
    """The classpath that starts Debian's Jena; the shim is made on first use."""
    core = jars / "jena-core.jar"
    if not core.is_file():
        raise JenaMissing(
            f"Apache Jena is not installed ({core} is missing): apt-get install libapache-jena-java"
        )
    shim = _shim_directory()
    if not shim.is_dir():
        _make_shim(core, shim)
    return os.pathsep.join([*(str(jars / f"{name}.jar") for name in _JARS), str(shim)])


def jena_command(main_class: str, arguments: Sequence[str], *, heap: str = "2g") -> list[str]:
    """The command line that runs one of Jena's command classes (``riotcmd.riot`` …)."""
    java = shutil.which("java")
    if java is None:
        raise JavaMissing("Apache Jena needs a Java runtime: apt-get install default-jre-headless")
    return [java, f"-Xmx{heap}", "-cp", classpath(), main_class, *arguments]


def run_jena(
    main_class: str, arguments: Sequence[str], *, timeout: float = 600, heap: str = "2g"
) -> subprocess.CompletedProcess[str]:
    """Run a command class to its end; its output and errors are returned, not raised."""
    return subprocess.run(
        jena_command(main_class, arguments, heap=heap),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    try:
        if argv[0] == "--classpath":
            print(classpath())
            return 0
        command = jena_command(argv[0], argv[1:])
    except KgError as error:
        print(f"jena: {error}", file=sys.stderr)
        return 2
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

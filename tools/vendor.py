"""Copy the front-end libraries installed by `npm ci` into Doorstep's static files.

Pages load them from /static/vendor/, never from a CDN: offices run on closed networks.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
TARGET = ROOT / "src" / "doorstep" / "core" / "static" / "vendor"

FILES = {
    # The design base every page builds on (docs/decisions/0006-design-base.md); our own
    # doorstep.css, loaded after it, only sets its variables and lays out our components.
    "pico/pico.min.css": "@picocss/pico/css/pico.min.css",
    "pico/LICENSE.md": "@picocss/pico/LICENSE.md",
    "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    # Source maps the libraries name in a sourceMappingURL comment: production's
    # manifest storage refuses to collect a file whose map is missing.
    "leaflet/leaflet.js.map": "leaflet/dist/leaflet.js.map",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images": "leaflet/dist/images",
    "leaflet.markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/leaflet.markercluster.js.map": "leaflet.markercluster/dist/leaflet.markercluster.js.map",
    "leaflet.markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "leaflet.markercluster/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    # /api/docs (core/apidocs.py)
    "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
    "swagger-ui/swagger-ui.css.map": "swagger-ui-dist/swagger-ui.css.map",
    "swagger-ui/LICENSE": "swagger-ui-dist/LICENSE",
}


def main() -> int:
    missing = [src for src in FILES.values() if not (NODE / src).exists()]
    if missing:
        print("missing from node_modules (run `npm ci`): " + ", ".join(missing), file=sys.stderr)
        return 1
    for dest, src in FILES.items():
        target = TARGET / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if (NODE / src).is_dir():
            shutil.copytree(NODE / src, target, dirs_exist_ok=True)
        else:
            shutil.copy2(NODE / src, target)
    print(f"vendored {len(FILES)} front-end files into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

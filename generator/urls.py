"""Every address and output file a build makes, in one place.

An address is site-relative, without the base path: "profiles/zhang-san/"
("" for the home page). A page's output file is its address plus
"index.html". The document models, the site model, render, kiosk, feeds,
exports and serve ask here instead of spelling paths themselves; links.py
turns an address into what a page writes (relative to that page) or into an
absolute URL (canonical links, feeds, QR codes).
"""

from __future__ import annotations

HOME = ""
PROFILES = "profiles/"
HONORS = "honors/"
ACTIVITIES = "activities/"
SLOGANS = "slogans/"
TAGS = "tags/"
SEARCH = "search/"
KIOSKS = "kiosk/"

NOT_FOUND = "404.html"  # served for a missing address at any depth
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
CALENDAR = "activities/calendar.ics"
API_PROFILES = "api/profiles.json"
API_ACTIVITIES = "api/activities.json"
API_SLOGANS = "api/slogans.json"
BUILD_INFO = "build.json"  # written last: kiosks poll it to know a release is whole
SEARCH_INDEX = "pagefind"  # the search index's folder (search.py)
SEARCH_ENTRIES = (f"{SEARCH_INDEX}/pagefind.js", f"{SEARCH_INDEX}/shards.json")  # the files a search page opens first


def profile(slug: str) -> str:
    return f"{PROFILES}{slug}/"


def poster(profile_address: str) -> str:
    """A role model's poster (a print view of the profile page)."""
    return f"{profile_address}poster/"


def activity(slug: str) -> str:
    return f"{ACTIVITIES}{slug}/"


def slogan(slug: str) -> str:
    """Slogans have no page of their own: the slogans page, at the slogan."""
    return f"{SLOGANS}#{slug}"


def category(slug: str) -> str:
    return f"{PROFILES}category/{slug}/"


def theme(slug: str) -> str:
    return f"{ACTIVITIES}theme/{slug}/"


def tag(slug: str) -> str:
    return f"{TAGS}{slug}/"


def kiosk(name: str) -> str:
    return f"{KIOSKS}{name}/"


def page(slug: str) -> str:
    """A free page (关于我们 …) at the site's top level."""
    return f"{slug}/"


def page_file(address: str) -> str:
    """The output file of the page at `address`."""
    return address + "index.html"


def address_of(path: str) -> str:
    """The address an output file is seen at ("index.html" → "")."""
    return path.removesuffix("index.html") if path == "index.html" or path.endswith("/index.html") else path


def is_public_page(path: str) -> bool:
    """An HTML page for readers and search engines: not 404, search, posters
    (print views of a profile page) or kiosk screens (lobby displays)."""
    parts = path.split("/")
    if parts[-1] != "index.html" or parts[0] in (SEARCH.rstrip("/"), KIOSKS.rstrip("/")):
        return False
    return not (parts[0] == PROFILES.rstrip("/") and len(parts) == 4 and parts[2] == "poster")

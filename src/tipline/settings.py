"""Django settings for Tipline, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from importlib import resources
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from tipline.core.env import env_bool, env_int, env_list, env_opt, env_secret, env_str
from tipline.core.mailurl import email_settings
from tipline.core.modes import private_umask

BASE_DIR = Path(__file__).resolve().parent

# whatever this process creates (database, WAL, blobs, keys, exports) is its user's alone
private_umask()
TIPLINE_HOME = Path(
    env_str("TIPLINE_HOME", "./var", "data folder: database, encrypted blobs, keys, uploads")
).resolve()
TIPLINE_HOME.mkdir(parents=True, exist_ok=True, mode=0o700)


def _secret_key() -> str:
    key = env_secret("SECRET_KEY", "Django secret key; generated into TIPLINE_HOME when unset")
    if key:
        return key
    path = TIPLINE_HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False, "Django debug pages; never in production")

#: Served over HTTPS (TLS here or at a proxy in front): Secure cookies, HSTS and a redirect of
#: plain HTTP to HTTPS, each of which can still be set on its own below.
HTTPS = env_bool(
    "TIPLINE_HTTPS", False,
    "served over HTTPS: Secure cookies, HSTS, plain HTTP redirected (secure defaults below)")
SECURE_SSL_REDIRECT = env_bool(
    "TIPLINE_SSL_REDIRECT", HTTPS, "redirect every plain-HTTP request to HTTPS")
SECURE_HSTS_SECONDS = env_int(
    "TIPLINE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0,
    "Strict-Transport-Security max-age: browsers use only HTTPS this long (0: no header)")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "TIPLINE_HSTS_INCLUDE_SUBDOMAINS", HTTPS, "HSTS covers the host's subdomains too")
SECURE_HSTS_PRELOAD = env_bool(
    "TIPLINE_HSTS_PRELOAD", False,
    "HSTS asks to be preloaded into browsers (a commitment hard to undo: see hstspreload.org)")
_proxy_ssl_header = env_str(
    "TIPLINE_PROXY_SSL_HEADER", "",
    "behind a TLS proxy that sets it: the header saying the request came over HTTPS, as "
    "Django names it (HTTP_X_FORWARDED_PROTO, its value 'https'); empty: trust none")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], "host names served, comma-separated"
)
#: Over HTTPS the served hosts' own https:// origins are trusted for form posts by default, so
#: a proxy that does not forward the scheme still lets them through.
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    [f"https://{host}" for host in ALLOWED_HOSTS if HTTPS and host and host[0] not in ".*"],
    "origins trusted for CSRF")

#: Keys (core/keys.py): data-N.key (AES-256-GCM, the highest N encrypts) and index.key (HMAC
#: for blind indexes and blob names). In production keep them off the data folder.
KEY_DIR = Path(env_str(
    "TIPLINE_KEY_DIR", str(TIPLINE_HOME / "keys"),
    "folder of the data and index keys; keep it outside TIPLINE_HOME in production")).resolve()
#: AES-256-GCM key for media and raw artifacts at rest (base64, 32 bytes): data key 1 when set.
MEDIA_KEY = env_secret("TIPLINE_MEDIA_KEY", "base64 AES-256 key for data at rest (data key 1)")
#: where versions before the key folder kept the one media key: read as data key 1 if present.
MEDIA_KEY_PATH = TIPLINE_HOME / "media.key"
INDEX_KEY = env_secret(
    "TIPLINE_INDEX_KEY", "base64 HMAC key for blind indexes and blob names (else index.key)")

# The audit trail's signed checkpoints (audit/signing.py): the Ed25519 key that signs them
# belongs outside the data folder; the default is only where a first checkpoint creates one.
AUDIT_SIGNING_KEY_PATH = Path(env_str(
    "TIPLINE_AUDIT_SIGNING_KEY", str(TIPLINE_HOME / "keys" / "audit-signing.key"),
    "the Ed25519 key file that signs audit checkpoints; keep it off the data folder"))
AUDIT_KEY_FINGERPRINT = env_str(
    "TIPLINE_AUDIT_KEY_FINGERPRINT", "",
    "the pinned fingerprint of the audit signing key, to verify without the key file")
AUDIT_CHECKPOINT_DIR = TIPLINE_HOME / "checkpoints"
#: the passphrase `tipline backup` encrypts with and `tipline restore` decrypts with, when
#: neither --passphrase-file nor --key-file is given
BACKUP_PASSPHRASE = env_secret(
    "TIPLINE_BACKUP_PASSPHRASE", "passphrase of `tipline backup` / `restore` archives")

# Where blobs are kept (core/blobstores.py): the local disk by default, or an S3-compatible
# object store; either way they are encrypted before they leave the process.
BLOB_URL = env_str(
    "TIPLINE_BLOB_URL", "",
    "where encrypted blobs are kept: empty for TIPLINE_HOME/blobs, s3://bucket/prefix for an "
    "S3-compatible object store (AWS, MinIO, Ceph), or file:///absolute/folder")
S3_ENDPOINT_URL = env_str(
    "TIPLINE_S3_ENDPOINT_URL", "", "the object store's URL (MinIO, Ceph...); empty for AWS")
S3_REGION = env_str("TIPLINE_S3_REGION", "", "the object store's region (e.g. ap-south-1)")
S3_ACCESS_KEY_ID = env_secret(
    "AWS_ACCESS_KEY_ID", "the object store's access key; unset: boto3's own lookup")
S3_SECRET_ACCESS_KEY = env_secret("AWS_SECRET_ACCESS_KEY", "the object store's secret key")
S3_ADDRESSING_STYLE = env_str(
    "TIPLINE_S3_ADDRESSING_STYLE", "",
    "path (MinIO and most self-hosted stores), virtual, or empty for boto3's choice")
S3_PART_BYTES = env_int(
    "TIPLINE_S3_PART_BYTES", 16 * 1024**2,
    "blobs larger than this go up in parts of this size (at least 5 MB)")

#: Limits that protect the importers from hostile input.
MAX_UPLOAD_BYTES = env_int("TIPLINE_MAX_FILE_BYTES", 2 * 1024**3, "largest single file accepted")
MAX_RECORD_BYTES = env_int("TIPLINE_MAX_RECORD_BYTES", 16 * 1024**2, "largest JSON/XML record")
MAX_ZIP_TOTAL_BYTES = env_int(
    "TIPLINE_MAX_ZIP_BYTES", 20 * 1024**3, "largest total uncompressed size of one ZIP"
)
MAX_ZIP_RATIO = env_int("TIPLINE_MAX_ZIP_RATIO", 200, "largest compression ratio of a ZIP member")
MAX_FIELD_CHARS = env_int("TIPLINE_MAX_FIELD_CHARS", 10_000, "longest text field accepted")

#: Linking reports (deconfliction).
LINK_IP_WINDOW_SECONDS = env_int(
    "TIPLINE_LINK_IP_WINDOW_SECONDS", 300,
    "reports with events on the same IP and port this close in time are linked")
LINK_MAX_SHARED = env_int(
    "TIPLINE_LINK_MAX_SHARED", 50,
    "an identifier shared by more reports than this links none of them")
LINK_MAX_SHARED_FILES = env_int(
    "TIPLINE_LINK_MAX_SHARED_FILES", 5,
    "a file hash carried by more reports than this (circulating material) links none of them")
ROUTE_PROCESSES = env_int(
    "TIPLINE_ROUTE_PROCESSES", 0,
    "processes resolving reports' locations while routing; 0 = one per core, 1 = none beside")

#: Dispatch: a packet not acknowledged this many days after it was built shows as overdue.
DISPATCH_ACK_DAYS = env_int(
    "TIPLINE_DISPATCH_ACK_DAYS", 3, "days a unit has to acknowledge a packet before it is overdue")
#: Trawler's takedown notices (trawler.notices): who sends them, re-checks, escalation.
TRAWL_NOTICE_SENDER = env_str(
    "TIPLINE_TRAWL_NOTICE_SENDER", "the Tipline hub",
    "who a takedown notice says sends it (the hub's name, as the host's abuse team reads it)")
TRAWL_NOTICE_FROM = env_str(
    "TIPLINE_TRAWL_NOTICE_FROM", "",
    "the From address of takedown notices (default: TIPLINE_EMAIL_FROM)")
TRAWL_NOTICE_REPLY_TO = env_str(
    "TIPLINE_TRAWL_NOTICE_REPLY_TO", "",
    "where hosts reply to a takedown notice (default: its From address)")
TRAWL_NOTICE_MINUTES = env_int(
    "TIPLINE_TRAWL_NOTICE_MINUTES", 10,
    "minutes between two runs of the notice task: send due notices, re-check, escalate")
TRAWL_RECHECK_FIRST_MINUTES = env_int(
    "TIPLINE_TRAWL_RECHECK_FIRST_MINUTES", 60,
    "minutes after a notice is sent that its URL is first checked again; each later check "
    "waits twice as long as the one before")
TRAWL_RECHECK_MAX_HOURS = env_int(
    "TIPLINE_TRAWL_RECHECK_MAX_HOURS", 24, "the longest wait between two re-checks of a URL")
TRAWL_RECHECK_DAYS = env_int(
    "TIPLINE_TRAWL_RECHECK_DAYS", 90,
    "days after its notice that a URL still up stops being checked (0: never stops)")
TRAWL_ESCALATE_HOURS = env_int(
    "TIPLINE_TRAWL_ESCALATE_HOURS", 72,
    "hours a noticed URL may stay up before the notice is escalated to the hub (and, for an "
    "Indian host or a report with a state, to the state's nodal officers)")
#: Alerts (alerts app): in-app notifications, the e-mail digest, urgent reports.
EMAIL_URL = env_secret(
    "EMAIL_URL", "where e-mail goes: console:// (default), smtp://user:pass@host:port, "
    "smtps://..., locmem://") or "console://"
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str(
    "TIPLINE_EMAIL_FROM", "tipline@localhost", "the From address of Tipline's e-mail")
SITE_URL = env_str(
    "TIPLINE_SITE_URL", "http://127.0.0.1:8000",
    "the address people open Tipline at: links in e-mails and text messages start with it")
URGENT_ACK_HOURS = env_int(
    "TIPLINE_URGENT_ACK_HOURS", 4,
    "hours a unit has to acknowledge an urgent report before it escalates (to the state's "
    "nodal officer, then again to the hub)")
SMS_BACKEND = env_str(
    "TIPLINE_SMS_BACKEND", "console",
    "how urgent alerts are sent as text messages: console (logged), or a registered sender")
ALERTS_SWEEP_MINUTES = env_int(
    "TIPLINE_ALERTS_SWEEP_MINUTES", 10,
    "minutes between two sweeps for time-based alerts (overdue, escalations) and the digest")
DIGEST_HOUR = env_int(
    "TIPLINE_DIGEST_HOUR", 7, "hour of the day (IST) after which each day's e-mail digest goes")
ALERTS_KEEP_DAYS = env_int(
    "TIPLINE_ALERTS_KEEP_DAYS", 90,
    "days a read notification is kept before the sweep deletes it (unread ones: a year, or "
    "this if longer)")
DISPATCH_WORKERS = env_int(
    "TIPLINE_DISPATCH_WORKERS", 2, "processes rendering a packet's PDFs (0: in the build's own)")
PACKET_FONT_DIR = env_str(
    "TIPLINE_PACKET_FONT_DIR", "/usr/share/fonts/truetype/noto",
    "folder of the Noto TrueType fonts packet PDFs are written in (Debian's fonts-noto-core)")

#: Trawler (trawler app): the crawler of reported URLs and watched sources.
TRAWL_ENABLED = env_bool(
    "TIPLINE_TRAWL_ENABLED", False,
    "whether the worker crawls on its own (the periodic crawl task); off by default: a hub "
    "turns it on deliberately, and `tipline trawl run` crawls by hand either way")
TRAWL_CONTACT_URL = env_str(
    "TIPLINE_TRAWL_CONTACT_URL", "https://tipline.invalid/trawler",
    "the page the crawler's user agent names, where a site's owner reads who crawls and why")
TRAWL_USER_AGENT = env_str(
    "TIPLINE_TRAWL_USER_AGENT", "",
    "the crawler's User-Agent (default: 'TiplineTrawler/1.0 (+<TIPLINE_TRAWL_CONTACT_URL>)'); "
    "robots.txt rules are matched against its first word")
TRAWL_PROXY = env_opt(
    "TIPLINE_TRAWL_PROXY", "an HTTP(S) proxy every crawl fetch goes through, "
    "e.g. http://egress.internal:3128 (default: direct)")
TRAWL_CONNECT_TIMEOUT = env_int(
    "TIPLINE_TRAWL_CONNECT_TIMEOUT", 10, "seconds to wait for a connection to a host")
TRAWL_READ_TIMEOUT = env_int(
    "TIPLINE_TRAWL_READ_TIMEOUT", 20, "seconds to wait for the next bytes of a response")
TRAWL_DEADLINE_SECONDS = env_int(
    "TIPLINE_TRAWL_DEADLINE_SECONDS", 60,
    "seconds one fetch may take in all (redirects and body included): a slow-drip or "
    "endless response is cut there")
TRAWL_MAX_BYTES = env_int(
    "TIPLINE_TRAWL_MAX_BYTES", 50 * 1024**2,
    "bytes of one response body kept; a longer body is cut, marked truncated, never hashed")
TRAWL_MAX_REDIRECTS = env_int(
    "TIPLINE_TRAWL_MAX_REDIRECTS", 5, "redirects followed per fetch (each one checked "
    "against its host's robots.txt)")
TRAWL_HOST_INTERVAL_SECONDS = env_int(
    "TIPLINE_TRAWL_HOST_INTERVAL_SECONDS", 1,
    "least seconds between two fetches from one host (a robots.txt Crawl-delay raises it; "
    "0 turns the rate limit off, for benchmarks of a local site only)")
TRAWL_ROBOTS_TTL_SECONDS = env_int(
    "TIPLINE_TRAWL_ROBOTS_TTL_SECONDS", 24 * 3600, "seconds a host's robots.txt is kept")
TRAWL_RECRAWL_SECONDS = env_int(
    "TIPLINE_TRAWL_RECRAWL_SECONDS", 7 * 24 * 3600,
    "seconds before a fetched URL may be fetched again (when its seed comes round again)")
TRAWL_LEASE_SECONDS = env_int(
    "TIPLINE_TRAWL_LEASE_SECONDS", 300,
    "seconds a worker holds a URL it is fetching; a URL whose worker died is given up "
    "after this (see docs/trawler.md)")
TRAWL_MAX_ATTEMPTS = env_int(
    "TIPLINE_TRAWL_MAX_ATTEMPTS", 3, "fetches of a URL that failed before it is given up")
TRAWL_REPORT_DEPTH = env_int(
    "TIPLINE_TRAWL_REPORT_DEPTH", 1,
    "links followed from a URL a report carries (0: the URL alone)")
TRAWL_BATCH = env_int(
    "TIPLINE_TRAWL_BATCH", 50, "URLs one crawl step leases at a time")
TRAWL_RUN_SECONDS = env_int(
    "TIPLINE_TRAWL_RUN_SECONDS", 240,
    "seconds one run of the crawl task works before it queues the next run")

#: Media scan: hashing, hash banks and matching (media app).
MAX_IMAGE_PIXELS = env_int(
    "TIPLINE_MAX_IMAGE_PIXELS", 100_000_000,
    "images (and video frames) with more pixels are refused as decompression bombs")
VIDEO_MAX_SECONDS = env_int(
    "TIPLINE_VIDEO_MAX_SECONDS", 3 * 3600, "video frames past this second are not hashed")
PDQ_INDEX_URL = env_str(
    "TIPLINE_PDQ_INDEX_URL", "",
    "the shared PDQ index service (tipline pdq-index serve), or its shards comma-separated; "
    "unset: each process keeps its own index")
PDQ_MIN_QUALITY = env_int(
    "TIPLINE_PDQ_MIN_QUALITY", 50, "PDQ hashes of lower quality are too weak to match on")
VPDQ_MATCH_PERCENT = env_int(
    "TIPLINE_VPDQ_MATCH_PERCENT", 80,
    "a video matches a bank video when this share of its frames match (percent)")
#: The CyberTipline API (/ispws/): what one platform account may send.
ISPWS_MAX_REPORT_BYTES = env_int(
    "TIPLINE_ISPWS_MAX_REPORT_BYTES", 2 * 1024**2, "largest <report> or <fileDetails> body")
ISPWS_MAX_FILE_BYTES = env_int(
    "TIPLINE_ISPWS_MAX_FILE_BYTES", 512 * 1024**2, "largest file a platform may upload")
ISPWS_MAX_FILES = env_int("TIPLINE_ISPWS_MAX_FILES", 1000, "most files one report may carry")
ISPWS_REQUESTS_PER_MINUTE = env_int(
    "TIPLINE_ISPWS_REQUESTS_PER_MINUTE", 30_000,
    "requests one platform account may make a minute")
#: The public tip form (/tip/, tips app): what one tip may carry and how often one address
#: may send one; the challenge that keeps machines out (docs/formats/public-tips.md).
TIP_MAX_FILES = env_int("TIPLINE_TIP_MAX_FILES", 5, "most files one public tip may attach")
TIP_MAX_FILE_BYTES = env_int(
    "TIPLINE_TIP_MAX_FILE_BYTES", 25 * 1024**2, "largest file a public tip may attach")
TIP_MAX_LINKS = env_int("TIPLINE_TIP_MAX_LINKS", 20, "most links one public tip may give")
TIP_PER_HOUR = env_int(
    "TIPLINE_TIP_PER_HOUR", 10, "public tips one address may send an hour")
TIP_STATUS_PER_MINUTE = env_int(
    "TIPLINE_TIP_STATUS_PER_MINUTE", 10, "tip status look-ups one address may make a minute")
TIP_POW_BITS = env_int(
    "TIPLINE_TIP_POW_BITS", 18,
    "proof of work a tip's browser does: leading zero bits of a SHA-256 (each bit doubles it)")
TIP_CHALLENGE_SECONDS = env_int(
    "TIPLINE_TIP_CHALLENGE_SECONDS", 3 * 3600,
    "how long the tip form's challenge (proof of work or question) stays valid")
TIP_CLIENT_ADDRESS_HEADER = env_str(
    "TIPLINE_TIP_CLIENT_ADDRESS_HEADER", "",
    "behind a reverse proxy: the request header carrying the client's address, as Django names "
    "it (HTTP_X_REAL_IP); empty: the connection's address (REMOTE_ADDR)")
MAX_BANK_FILE_BYTES = env_int(
    "TIPLINE_MAX_BANK_FILE_BYTES", 2 * 1024**3, "largest hash-list file accepted for import")
SCAN_PROCESSES = env_int(
    "TIPLINE_SCAN_PROCESSES", 0, "processes that hash files during a scan; 0 = one per core")
SCAN_ON_IMPORT = env_bool(
    "TIPLINE_SCAN_ON_IMPORT", True, "hash and match files as each import chunk commits")

#: MaxMind-format City database for IP locations; default: the 2018 GeoLite2-City shipped
#: inside maxminddb-geolite2 (stale: point this at a current database in production).
GEOIP_CITY_DB = Path(env_str(
    "GEOIP_CITY_DB",
    str(resources.files("_maxminddb_geolite2").joinpath("GeoLite2-City.mmdb")),
    "MaxMind-format City database (.mmdb) for IP locations",
))
GEOIP_MAX_AGE_DAYS = env_int(
    "GEOIP_MAX_AGE_DAYS", 365, "warn when the IP City database is older than this many days"
)

#: Offline classifiers (media/classifiers/fusion.py): where a detector's output starts to count
#: in the risk score that orders the review queue. Percentages.
CLASSIFY_EXPOSED_LABELS = env_list(
    "TIPLINE_CLASSIFY_EXPOSED_LABELS",
    ["FEMALE_GENITALIA_EXPOSED", "MALE_GENITALIA_EXPOSED", "ANUS_EXPOSED", "BUTTOCKS_EXPOSED",
     "FEMALE_BREAST_EXPOSED"],
    "NudeNet labels that count as exposed regions")
CLASSIFY_EXPOSED_MIN_PERCENT = env_int(
    "TIPLINE_CLASSIFY_EXPOSED_MIN_PERCENT", 50, "lowest NudeNet score counted as exposure")
CLASSIFY_MINOR_MIN_PERCENT = env_int(
    "TIPLINE_CLASSIFY_MINOR_MIN_PERCENT", 50, "P(age < 18) from which a face counts as a minor")
CLASSIFY_DISTRESS_MIN_PERCENT = env_int(
    "TIPLINE_CLASSIFY_DISTRESS_MIN_PERCENT", 50, "fear + sad + angry from which distress counts")
CLASSIFY_ON_SCAN = env_bool(
    "TIPLINE_CLASSIFY_ON_SCAN", True, "score each scanned image with the offline classifiers")

#: Trawler, judging what it fetched (trawler/judging.py, trawler/asn.py).
TRAWL_CLASSIFY = env_bool(
    "TIPLINE_TRAWL_CLASSIFY", True,
    "score fetched images that match no bank with the offline classifiers (~50 ms each)")
TRAWL_CANDIDATE_MIN_PERCENT = env_int(
    "TIPLINE_TRAWL_CANDIDATE_MIN_PERCENT", 60,
    "risk score (percent) from which a fetched image is kept as a candidate for review")
ASN_DB = env_str(
    "TIPLINE_ASN_DB", "", "MaxMind-format ASN database (.mmdb) naming a host's network")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # the second factor (TOTP, recovery codes) and the login lockout (accounts/)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # the Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
    "csp",
    # django-ninja (the JSON API): listed so its docs page uses its own bundled Swagger UI
    # (static files), never a CDN
    "ninja",
    # core first: its `db_worker` (which takes back the tasks of dead workers) replaces
    # django-tasks-db's
    "tipline.core",
    "django_tasks",
    "django_tasks_db",
    "tipline.jurisdictions",
    "tipline.accounts",
    "tipline.audit",
    # the steps of the flow, in its order (imports run down this list only: pyproject.toml's
    # import-linter contract)
    "tipline.intake",
    "tipline.media",
    "tipline.review",
    "tipline.geo",
    "tipline.routing",
    "tipline.dispatch",
    "tipline.cases",
    # charts and the tile map over everything below (reads only)
    "tipline.analytics",
    # the search box on every page: reports and cases by id or identifier
    "tipline.search",
    # in-app notifications, the e-mail digest and urgent reports' alerts (above cases)
    "tipline.alerts",
    # the first page after login, one section per kind of work (reads every step above)
    "tipline.home",
    # the trawler: follows reported URLs and watched sources, files what matches, sends
    # takedown notices (a source of reports that reads every step below it)
    "tipline.trawler",
    # the public tip form: a source of reports that also reads where they went
    "tipline.tips",
    # the JSON API for hub tools (/api/): reads every step, moves cases
    "tipline.api",
    # the demo drives every step from above (no app imports it)
    "tipline.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Hindi or English: the public pages follow the visitor's choice or browser, the staff's
    # pages only the person's choice (the header's switch), English by default
    "tipline.core.locale.ChosenLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a session ends when idle too long, and in any case some hours after its login
    "tipline.accounts.middleware.SessionTimeoutMiddleware",
    # which second factor verified this session (request.user.is_verified()); then every page
    # but the login and second-factor steps sends an unverified user who needs one to it
    "django_otp.middleware.OTPMiddleware",
    "tipline.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store on every page with a user's or a caller's data (not static files,
    # which WhiteNoise answered above)
    "tipline.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "tipline.urls"
WSGI_APPLICATION = "tipline.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASE_URL = env_opt("DATABASE_URL", "database URL; default SQLite (WAL) in TIPLINE_HOME")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str(
            "TIPLINE_TEST_DB_NAME", "test_tipline", "PostgreSQL database name used by the tests"
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(TIPLINE_HOME / "tipline.sqlite3"),
            # a web thread keeps its connection (and its page cache) between requests:
            # opening one and running the PRAGMAs below cost more than most requests
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA cache_size=-65536;PRAGMA temp_store=MEMORY;"
                    "PRAGMA wal_autocheckpoint=16384;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_opt(
    "REDIS_URL", "Redis for the task queue across machines (with TIPLINE_TASK_BACKEND=redis)")
#: one queue per kind of work, so workers on many machines can each take some of them
TASK_QUEUES = ["default", "intake", "scan", "route", "dispatch", "trawl"]
#: short names for the task backends; any backend class path works too
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str(
    "TIPLINE_TASK_BACKEND", "database",
    "where background tasks queue: database (embedded, no server), redis (REDIS_URL, "
    "workers on many machines), immediate (inline, no worker), or a backend class path")
#: Background tasks: how many times a task is started before it is given up when its worker
#: keeps dying under it (core/recovery.py).
TASK_ATTEMPTS = env_int(
    "TIPLINE_TASK_ATTEMPTS", 3,
    "times a task is started before it is given up when its worker dies under it")
#: A running worker renews a lease this often (core/heartbeat.py); one whose lease is older
#: than WORKER_LEASE_SECONDS is taken for dead or hung, on any machine, and its tasks are
#: queued again.
WORKER_BEAT_SECONDS = env_int(
    "TIPLINE_WORKER_BEAT_SECONDS", 10, "how often a running worker renews its lease")
WORKER_LEASE_SECONDS = env_int(
    "TIPLINE_WORKER_LEASE_SECONDS", 60,
    "a worker whose lease was last renewed longer ago is dead or hung: its tasks run again")
#: the name this machine's workers give themselves (in their ids and leases)
HOST_NAME = env_str("TIPLINE_HOST_NAME", "",
                    "this machine's name in worker ids (default: its host name)")

if TASK_BACKENDS.get(_task_backend, _task_backend) == TASK_BACKENDS["redis"]:
    # only with the Redis queue: Redis's client costs every process's start-up otherwise
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

TASKS = {
    "default": {
        "BACKEND": TASK_BACKENDS.get(_task_backend, _task_backend),
        "QUEUES": TASK_QUEUES,
    }
}
RQ_QUEUES = {
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 24 * 3600}
    for name in TASK_QUEUES
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tipline.accounts.passwords.UserNameInPasswordValidator"},
]

#: django-axes first: it refuses a locked account or address before any password is checked
#: (the login page, and /ispws/'s Basic auth, which checks passwords the same way)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
#: Login lockout (django-axes, accounts/lockout.py): an account is locked after this many
#: failed logins from anywhere, and an address after this many on any accounts; the lock
#: lifts after the cool-off or with `tipline users unlock`. Both are audited.
AXES_FAILURE_LIMIT = env_int(
    "TIPLINE_LOGIN_FAILURE_LIMIT", 10,
    "failed logins after which the account, and separately the address, is locked")
AXES_COOLOFF_TIME = timedelta(minutes=env_int(
    "TIPLINE_LOGIN_COOLOFF_MINUTES", 30,
    "a login lock lifts after this many minutes (tipline users unlock lifts it at once)"))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
#: attempts made while locked are refused without being counted, so the lock lifts at the
#: cool-off after it began (and is audited once, not once per attempt)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
#: a good login forgets only the account's own failures (accounts.lockout._on_login)
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "tipline.accounts.lockout.client_ip"
AXES_VERBOSE = False
#: the login view answers a locked login itself (accounts/views.py) and /ispws/ in its own
#: XML, so axes' middleware, which would answer every locked request with its page, is not used
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
#: the second factor (django-otp): wrong codes wait 1, 2, 4, 8... seconds per device
OTP_TOTP_ISSUER = env_str(
    "TIPLINE_OTP_ISSUER", "Tipline", "the name authenticator apps show beside the user's code")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
#: requests an API token may make a minute (the JSON API, api/auth.py)
API_TOKEN_REQUESTS_PER_MINUTE = env_int(
    "TIPLINE_API_TOKEN_REQUESTS_PER_MINUTE", 6_000,
    "requests one API token may make a minute (HTTP 429 beyond)")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = env_int(
    "TIPLINE_SESSION_SECONDS", 8 * 3600,
    "session lifetime in seconds from the login, whatever the activity")
SESSION_IDLE_SECONDS = env_int(
    "TIPLINE_SESSION_IDLE_SECONDS", 30 * 60,
    "a session ends after this many seconds without a request")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
#: Secure cookies whenever HTTPS is on; TIPLINE_SECURE_COOKIES alone asks for them without the
#: rest of TIPLINE_HTTPS (it cannot turn them off under it).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "TIPLINE_SECURE_COOKIES", False, "send cookies over HTTPS only (on whenever TIPLINE_HTTPS is)"
) or HTTPS

#: Content-Security-Policy (django-csp 4): only Tipline's own scripts, styles and images, none
#: inline; blob: for the review page's revealed files (fetched, then shown from a blob URL).
#: The JSON API's docs page adds what Swagger UI needs (api/main.py), on that page alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

LANGUAGE_CODE = "en-gb"
#: the languages pages speak (each app's locale/; the header's switch chooses)
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
#: the catalogue of the strings outside any app (src/tipline/templates); each app keeps its own
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = TIPLINE_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
FILE_UPLOAD_TEMP_DIR = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING", "log level")},
}

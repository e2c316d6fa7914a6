"""Default settings. Override them in `instance/config.py` or with AUYL_* environment
variables (e.g. AUYL_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://user@host/auyl)."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class DefaultConfig:
    # The course files; lessons are read once at start-up.
    CONTENT_DIR = str(PROJECT_DIR / "content")
    # Kazakh first: the programme's own language. Russian is the other first-class language.
    BABEL_DEFAULT_LOCALE = "kk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_DIR / "translations")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A learner on a shared village-centre computer is signed out after this much inactivity.
    SESSION_IDLE_MINUTES = 15
    # The trainer's class grid updates itself this often while the class works (static/site.js does
    # it; without JavaScript the page's "Update now" link does).
    CLASS_GRID_REFRESH_SECONDS = 30
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_REFRESH_EACH_REQUEST = True
    # Sign-in attempts: a 4-digit PIN must not be guessable. Failed attempts only are counted.
    # A village centre puts many learners behind one address, so the address limit is wide.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "60 per 15 minutes"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Static files carry a content hash in their URL (views_common.static_url): cache a year.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
    # Compress pages and static files; brotli first, gzip for older browsers.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500
    # Host and port for `flask serve` (waitress). 0.0.0.0 serves the village centre's network.
    SERVE_HOST = "127.0.0.1"
    SERVE_PORT = 5000
    # Sync (docs/sync.md): "village" for a village-centre server, "district" for the district's.
    NODE_ROLE = "village"
    # Where this server's node identity (id and signing key) is kept; empty: instance/.
    NODE_DIR = ""
    # Sync over the network: events per round (one request each way), and how long to wait.
    SYNC_BATCH_EVENTS = 2000
    SYNC_TIMEOUT_SECONDS = 60

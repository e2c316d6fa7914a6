"""Default settings. Override them in `instance/config.py` or with AUYL_* environment
variables (e.g. AUYL_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://user@host/auyl)."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class DefaultConfig:
    # The course files; lessons are read once at start-up.
    CONTENT_DIR = str(PROJECT_DIR / "content")
    # The level folders the programme has: one that is missing is said in the start-up log.
    COURSE_LEVELS = ("elementary", "intermediate")
    # Kazakh first: the programme's own language. Russian is the other first-class language.
    BABEL_DEFAULT_LOCALE = "kk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_DIR / "translations")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # How long a write waits for another one (a backup, a long import) before the learner gets
    # "busy, try again" (503). SQLite: busy_timeout (the file is in WAL mode); PostgreSQL: lock_timeout.
    DATABASE_LOCK_TIMEOUT_SECONDS = 10
    # Seconds a "busy" page asks the browser to wait before trying again (Retry-After).
    BUSY_RETRY_AFTER_SECONDS = 5
    # A learner on a shared village-centre computer is signed out after this much inactivity.
    SESSION_IDLE_MINUTES = 15
    # The trainer's class grid updates itself this often while the class works (static/site.js does
    # it; without JavaScript the page's "Update now" link does).
    CLASS_GRID_REFRESH_SECONDS = 30
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_REFRESH_EACH_REQUEST = True
    # ...but only once the cookie's signature is this old (or the session changed): signing and
    # setting the cookie on every page cost every signed-in request ~0.1 ms. A session then ends
    # between SESSION_IDLE_MINUTES and this much less after the last request
    # (app/auth/cookie_session.py); the page's idle timer signs out a minute early anyway.
    SESSION_REFRESH_SECONDS = 30
    # Sign-in attempts: a 4-digit PIN must not be guessable. Failed attempts only are counted.
    # A village centre puts many learners behind one address, so the address limit is wide.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "60 per 15 minutes"
    RATELIMIT_STORAGE_URI = "memory://"
    # With several processes (district server) set RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
    # (pip install -e ".[district]"). If Redis stops, each process counts on its own for a while
    # rather than refusing every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # How PINs and passwords are hashed (werkzeug's method string). Only the test suite may
    # choose a cheaper one, and only with TESTING on: create_app refuses it otherwise.
    SECRET_HASH_METHOD = "scrypt"
    RATELIMIT_HEADERS_ENABLED = False
    # How many reverse proxies (Caddy, nginx) stand in front of the app. Behind one, every
    # request comes from 127.0.0.1: set 1, so that the per-address limit counts each person's
    # own address (X-Forwarded-For) and links use https (X-Forwarded-Proto). Never set it on a
    # server reached directly: anyone could then send a made-up address.
    TRUSTED_PROXIES = 0
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Static files carry a content hash in their URL (views_common.static_url): cache a year.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
    # Compress pages and static files; brotli first, gzip for older browsers.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Brotli quality 3, not Flask-Compress's 4: a lesson page (33 KB of HTML) costs 0.27 ms to
    # compress instead of 0.46 ms (the largest single cost of a lesson request after rendering),
    # for 5 % more bytes: a first visit 16.5 -> 17.4 KB, budget 30 KB (bench/throughput.md).
    COMPRESS_BR_LEVEL = 3
    # The same trade for gzip, which browsers use over plain HTTP (a village centre's network:
    # they offer brotli only over HTTPS): level 4, not 6, 0.40 ms instead of 0.65 ms, 5 % more bytes.
    COMPRESS_LEVEL = 4
    COMPRESS_MIN_SIZE = 500
    # Lesson pages are put together from pieces rendered once (app/learn/lesson_cache.py): how many
    # answered questions to keep per process (a few KB each). 0 renders every page afresh.
    LESSON_CACHE_SIZE = 4096
    # Host and port for `flask serve` (waitress). 0.0.0.0 serves the village centre's network.
    SERVE_HOST = "127.0.0.1"
    SERVE_PORT = 5000
    # Waitress. Threads answer requests (a 2-core centre PC, one SQLite writer at a time: 8 is
    # plenty; a district server with PostgreSQL may take 16-32). Open connections: each browser
    # keeps ~6, so a class of 30 holds ~200; 500 stays under the 512 sockets Windows can watch.
    # An idle connection is closed after SERVE_CHANNEL_TIMEOUT seconds, freeing its place.
    SERVE_THREADS = 8
    SERVE_CONNECTION_LIMIT = 500
    SERVE_CHANNEL_TIMEOUT = 30
    SERVE_BACKLOG = 1024
    # Lines a CSV upload (a class list, the villages) may have: a class is about 30 people and
    # the district about 60 villages; a longer file is refused at once, with a clear message.
    # Each new learner costs a PIN hash (~0.1-0.2 s on a village PC), so 200 is already a minute.
    CSV_MAX_ROWS = 200
    # The address residents open this server at, printed as a QR code on class posters, e.g.
    # "http://192.168.1.10:5000" on a village centre's Wi-Fi or "https://auyl.example.kz" for the
    # district. Empty: the address the trainer's browser used (fine unless that is localhost).
    PUBLIC_URL = ""
    # Sync (docs/sync.md): "village" for a village-centre server, "district" for the district's.
    NODE_ROLE = "village"
    # Where this server's node identity (id and signing key) is kept; empty: instance/.
    NODE_DIR = ""
    # Sync over the network: events per round (one request each way), and how long to wait.
    SYNC_BATCH_EVENTS = 2000
    SYNC_TIMEOUT_SECONDS = 60
    # The largest bundle accepted (a USB-stick file or a network round); the rest of the site
    # keeps MAX_CONTENT_LENGTH. About 40 bytes per event: 256 MiB is millions of answers.
    SYNC_MAX_BYTES = 256 * 1024 * 1024

"""Site settings: Pelican's, plus congkhai's publication policy (CONGKHAI_*).

Every CONGKHAI_* setting is described in README.md ("Settings"); a test
fails if one is not.
"""
AUTHOR = "Bộ phận Truyền thông"
SITENAME = "Công khai kết quả xếp loại hằng tháng"
SITEURL = ""
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE_FORMAT = "%d/%m/%Y"

PATH = "content"
THEME = "theme"
PLUGINS = ["pelican.plugins.congkhai"]
# Names and unit names come from spreadsheets: every value is escaped unless
# a template marks it safe (only Markdown that Pelican rendered is).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
RELATIVE_URLS = True
# Nothing in the output may change between two builds of the same data.
DELETE_OUTPUT_DIRECTORY = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

ARTICLE_PATHS = ["bai-viet"]
PAGE_PATHS = ["trang"]
ARTICLE_URL = "bai-viet/{slug}/"
ARTICLE_SAVE_AS = "bai-viet/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
STATIC_PATHS = []
# The home page is the latest month, written by the dashboard generator.
DIRECT_TEMPLATES = []
INDEX_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAGS_SAVE_AS = ""
TAG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
ARTICLE_TRANSLATION_ID = None
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""

# Feeds are written only when the site's address is known (`publish`, `build --site-url`), as
# their ids and links must be absolute: plugins/.../congkhai/run.py turns them on then.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# --- congkhai: the data and what may be published (EXPORT-FORMAT.md §9-10) ---
CONGKHAI_DATA = "data"
CONGKHAI_ORGANISATION = "Quận Long Biên (minh họa)"
CONGKHAI_HONOUR_LIST = True
CONGKHAI_MIN_EVALUATED = 10
CONGKHAI_QUOTA_SHARE = "0.20"
CONGKHAI_QUOTA_BASE = "T+XS"
CONGKHAI_QUOTA_NAME = "Nghị định 335/2025/NĐ-CP"
CONGKHAI_COVERAGE_FLOOR = "0.95"
# What the other merged units of a block (or level) must hold at least of HT+K, evaluated
# and evaluated less XS; a build refused because merged figures could be worked out
# merges more everywhere with a larger one.
CONGKHAI_MERGE_MARGIN = 2
# A month of more units than this is split by block: its page and its honour list show one
# line per block, each block's units and names on a page of their own (None: never split).
CONGKHAI_UNITS_PER_PAGE = 300

# --- congkhai: the leaders' view (trends page and the monthly brief) ---
# Lương cơ sở in force from each month (Nghị định 38/2019, 24/2023, 73/2024).
CONGKHAI_BASE_SALARY = {"2019-07": 1_490_000, "2023-07": 1_800_000, "2024-07": 2_340_000}
# Monthly reward per person, as a multiple of the base salary, per rated level.
CONGKHAI_REWARD_MULTIPLES = {"XS": "0.5"}
# The monthly reward budget in đồng (None: no budget shown); the demo's figure.
CONGKHAI_REWARD_BUDGET = 780_000_000
# How many units each list of movers shows.
CONGKHAI_MOVERS = 5

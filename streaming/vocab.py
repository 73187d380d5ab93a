"""Vocabularies behind `streaming.normalise`: plain data, so extending a list needs no regex skills.

Keys are lower-case unless said otherwise; `normalise` builds its regexes and Spark map
literals from these at import time.
"""

from __future__ import annotations

from html.entities import name2codepoint

# --- HTML ----------------------------------------------------------------------------------

# Named entities decoded to a character, plus every Latin-1 letter entity ("&eacute;" -> "é");
# any other entity becomes a space. Decoding is one pass, so "&amp;lt;" reads as the text "&lt;".
HTML_ENTITIES: dict[str, str] = {
    "&amp;": "&",
    "&#38;": "&",
    "&nbsp;": " ",
    "&#160;": " ",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#34;": '"',
    "&apos;": "'",
    "&#39;": "'",
    "&#x27;": "'",
    "&lsquo;": "'",
    "&rsquo;": "'",
    "&#8216;": "'",
    "&#8217;": "'",
    "&ldquo;": '"',
    "&rdquo;": '"',
    "&#8220;": '"',
    "&#8221;": '"',
    "&ndash;": "-",
    "&mdash;": "-",
    "&#8211;": "-",
    "&#8212;": "-",
    "&hellip;": "...",
    "&#8230;": "...",
    "&euro;": "€",
    "&pound;": "£",
    "&bull;": " ",
    "&#8226;": " ",
    "&middot;": " ",
} | {f"&{name};": chr(code) for name, code in name2codepoint.items() if 0xC0 <= code <= 0xFF}

# Tags that separate words (replaced by a space); any other tag is dropped without one,
# so "<b>Data</b> Engineer" and "Data<br>Engineer" both read "Data Engineer".
BLOCK_TAGS: list[str] = [
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h[1-6]",
    "header", "hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
]  # fmt: skip

# --- Titles --------------------------------------------------------------------------------

# Whole-word abbreviations expanded in display titles (a trailing dot is dropped first).
# "eng" and "dev" are context-sensitive: see ENGINEERING_CONTEXT / DEVELOPMENT_CONTEXT.
TITLE_ABBREVIATIONS: dict[str, str] = {
    "sr": "Senior",
    "snr": "Senior",
    "jr": "Junior",
    "jnr": "Junior",
    "eng": "Engineer",
    "engr": "Engineer",
    "mgr": "Manager",
    "mgmt": "Management",
    "dev": "Developer",
    "swe": "Software Engineer",
    "sde": "Software Development Engineer",
    "ml": "Machine Learning",
    "assoc": "Associate",
    "admin": "Administrator",
    "asst": "Assistant",
    "coord": "Coordinator",
    "dir": "Director",
    "rn": "Registered Nurse",
}

# Words that "eng" qualifies as "Engineering" ("Eng Manager", "VP Eng") rather than "Engineer".
ENGINEERING_CONTEXT_AFTER: list[str] = ["manager", "mgr", "director", "dir", "lead", "team", "operations"]
ENGINEERING_CONTEXT_BEFORE: list[str] = ["of", "vp", "svp", "evp", "head", "director", "dir"]
# Words that "dev" qualifies as "Development" ("Dev Manager", "Business Dev") rather than "Developer".
DEVELOPMENT_CONTEXT_AFTER: list[str] = [
    "eng", "engineer", "engineering", "manager", "mgr", "rep", "representative", "lead", "director", "team",
]  # fmt: skip
DEVELOPMENT_CONTEXT_BEFORE: list[str] = ["business", "product", "sales"]

# Fixed casing for tokens of a display title (acronyms and brand casing); everything else is
# capitalised, except all-caps / mixed-case tokens of a non-shouting title, which are kept.
TITLE_CASING: dict[str, str] = {
    w.lower(): w
    for w in [
        # the house list
        "SQL", "AWS", "QA", "AI", "UX", "UI", "BI", "ETL", "IT", "HR", "ICU", "NHS", "API", "iOS",
        "VP", "SVP", "EVP",
        # levels and common acronyms in postings
        "II", "III", "IV", "CEO", "CFO", "COO", "CTO", "CIO", "CISO", "CMO", "CPO", "SRE", "SDET",
        "GCP", "SAP", "CRM", "ERP", "SEO", "NLP", "LLM", "DBA", "PHP", "HTML", "CSS", "HVAC", "CNC",
        "LPN", "CNA", "ER", "GP", "PMO", "GIS", "BDR", "SDR", "CPA", "EHS", "HSE", "QC", "R&D",
        "US", "UK", "EU", "EMEA", "APAC", "LATAM", "B2B", "B2C",
        # brand casing
        "DevOps", "DevSecOps", "MLOps", "DataOps", "JavaScript", "TypeScript", "GitHub", "GitLab",
        "NoSQL", "PostgreSQL", "MySQL", "GraphQL", "SaaS", "macOS", ".NET",
    ]
} | TITLE_ABBREVIATIONS  # fmt: skip

# Kept lower-case between two words ("Head of Data"), capitalised at the start.
TITLE_MINOR_WORDS: list[str] = [
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
]  # fmt: skip

# A trailing ", Senior" / " - Sr." style level that `normalise_title` moves to the front.
TITLE_TRAILING_LEVELS: list[str] = [
    "senior", "sr", "snr", "junior", "jr", "jnr", "lead", "principal", "staff",
]  # fmt: skip

# Regex fragments for noise removed from titles: inside brackets ("(Remote)", "(m/f/d)"), as a
# separated trailing segment ("- Remote", "| Hybrid") or a separated leading one ("Remote: ...").
TITLE_NOISE: list[str] = [
    r"(?:fully\s+|100%\s*|partially\s+|partly\s+)?remote(?:[\s-]+(?:first|friendly|eligible|possible|optional|ok))?",
    r"hybrid(?:[\s-]+remote)?",
    r"on[\s-]?site",
    r"in[\s-]office",
    r"wfh",
    r"work\s+from\s+home",
    r"home[\s-]?office",
    r"tele(?:commute|work)",
    r"full[\s-]?time",
    r"part[\s-]?time",
    r"contract(?:or)?",
    r"fixed[\s-]term",
    r"temporary",
    r"temp",
    r"permanent",
    r"freelance",
]
# Gender markers of German/French/Dutch postings: (m/f/d), (m/w/d), (w/m/div), (h/f), (all genders).
TITLE_GENDER_NOISE = r"(?:all\s+genders?|gn\*?|[mwfdhx]\s*/\s*[mwfdhx](?:\s*/\s*(?:div|[mwfdhx]))*)"
# Area words that may follow "Remote" in a noise segment ("- Remote US", "| Remote, EMEA").
TITLE_NOISE_AREAS: list[str] = [
    "us", "usa", "uk", "eu", "emea", "europe", "apac", "latam", "na", "north america", "canada",
    "worldwide", "global", "anywhere",
]  # fmt: skip

# --- Seniority -----------------------------------------------------------------------------

# The vocabulary shared by `title_seniority` and `with_seniority_level`, most junior first.
SENIORITY_LEVELS: list[str] = [
    "intern", "junior", "mid", "senior", "lead", "principal", "director", "executive",
]  # fmt: skip

# Title words per level, tried in this order: the first level with a whole-word match wins and
# a title matching none is "mid". A space or hyphen in a phrase matches any run of either.
# - intern goes first: "Product Lead Intern" is an intern;
# - "graduate" means junior (UK graduate schemes are permanent entry-level roles);
# - "associate" is junior unless a higher level also matches ("Associate Director");
# - "lead" is not lead in "Lead Generation Specialist" (see TITLE_LEAD_FALSE_FRIENDS).
TITLE_SENIORITY_WORDS: list[tuple[str, list[str]]] = [
    ("intern", ["intern", "interns", "internship", "trainee", "traineeship", "apprentice",
                "apprenticeship", "werkstudent", "working student", "praktikant", "praktikantin"]),
    ("executive", ["vp", "svp", "evp", "vice president", "president", "chief", "ceo", "cfo", "coo",
                   "cto", "cio", "ciso", "cmo", "cpo", "cro", "founder", "co founder", "cofounder"]),
    ("director", ["director", "dir", "head of"]),
    ("principal", ["principal", "distinguished"]),
    ("lead", ["lead", "leader", "team lead", "tech lead"]),
    ("senior", ["senior", "sr", "snr"]),
    ("junior", ["junior", "jr", "jnr", "entry", "entry level", "associate", "assoc", "graduate", "grad",
                "new grad"]),
]  # fmt: skip
TITLE_LEAD_FALSE_FRIENDS: list[str] = ["gen", "generation", "generator"]
# "Staff" is lead only right before (up to two words before) one of these roles:
# "Staff Data Engineer" is lead, "Staff Nurse" and "Staff Accountant" stay mid.
STAFF_ROLES: list[str] = [
    "engineer", "eng", "engr", "developer", "dev", "scientist", "architect", "designer", "swe", "sde",
    "researcher", "analyst",
]  # fmt: skip
# Roman level suffixes ("Software Engineer III", "Analyst I - Payments"); "II" is plain mid.
TITLE_NUMERAL_LEVELS: dict[str, str] = {"i": "junior", "iii": "senior", "iv": "senior", "v": "senior"}

# LinkedIn `seniority_level` (lower-cased, "_"/"-" as spaces, trailing " level" dropped) to the
# shared vocabulary. "Mid-Senior level" spans both, so it is the neutral "mid"; "Associate" is
# junior, as in titles; "Not Applicable" and anything unknown give null. Values already in the
# vocabulary map to themselves, so the function is idempotent.
LINKEDIN_SENIORITY: dict[str, str] = {
    "internship": "intern",
    "entry": "junior",
    "associate": "junior",
    "mid senior": "mid",
    "director": "director",
    "executive": "executive",
} | {level: level for level in SENIORITY_LEVELS}

# --- Employment type -----------------------------------------------------------------------

# Words per type, tried in this order: the first type with a whole-word match wins and a
# non-empty value matching none is "other". Contract beats part/full time ("Full-time, Fixed
# term" is a contract); "Fixed term" is contract, "Temp"/"Seasonal"/"Per diem" temporary,
# "Permanent"/"Regular" full time. "_" counts as a space ("FULL_TIME").
EMPLOYMENT_TYPE_WORDS: list[tuple[str, list[str]]] = [
    ("internship", ["intern", "internship", "trainee", "traineeship", "apprentice", "apprenticeship",
                    "werkstudent", "working student"]),
    ("volunteer", ["volunteer", "volunteering", "unpaid", "pro bono"]),
    ("contract", ["contract", "contractor", "contracting", "freelance", "freelancer", "fixed term",
                  "c2c", "corp to corp", "1099", "self employed"]),
    ("temporary", ["temp", "temporary", "seasonal", "casual", "interim", "per diem", "prn"]),
    ("part_time", ["part time", "half time", "pt"]),
    ("full_time", ["full time", "permanent", "perm", "regular", "ft", "fte"]),
]  # fmt: skip
EMPLOYMENT_TYPES: list[str] = [name for name, _ in EMPLOYMENT_TYPE_WORDS] + ["other"]

# --- Workplace -----------------------------------------------------------------------------

# Words of an explicit workplace field or a location, tried hybrid, remote, on_site.
WORKPLACE_WORDS: list[tuple[str, list[str]]] = [
    ("hybrid", ["hybrid"]),
    ("remote", ["remote", "wfh", "work from home", "home office", "telecommute", "telework", "anywhere"]),
    ("on_site", ["on site", "onsite", "in office", "office based", "in person", "office"]),
]
# Descriptions are free text, so only unambiguous phrasings count ("hybrid cloud" must not):
# these remote phrases unless right after "not"/"n't", "hybrid" before one of the nouns, and
# "1-4 days (a week) in the office" (built in `normalise`).
DESCRIPTION_REMOTE_PHRASES: list[str] = [
    "fully remote", "100% remote", "100 % remote", "100 percent remote", "completely remote",
    "entirely remote", "totally remote", "remote first",
]  # fmt: skip
DESCRIPTION_HYBRID_NOUNS: list[str] = [
    "work", "working", "role", "position", "model", "schedule", "arrangement", "setup", "set up",
    "opportunity", "remote", "office", "policy", "job", "basis", "pattern",
]  # fmt: skip

# --- Companies -----------------------------------------------------------------------------

# Legal-form words dropped from the end of a company match key, possibly several in a row
# ("Foo Holdings Co., Ltd.", "Bar GmbH & Co. KG"). Dots are removed before matching.
LEGAL_SUFFIXES: list[str] = [
    "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp",
    "lp", "plc", "gmbh", "ag", "kg", "se", "sa", "sas", "sarl", "bv", "nv", "oy", "oyj", "ab",
    "srl", "spa", "pty", "pte", "pvt",
]  # fmt: skip

# Accented lower-case letters folded to ASCII with `translate`; ligatures need `replace`.
ACCENTS: dict[str, str] = {
    "a": "àáâãäåāăą",
    "c": "çćĉċč",
    "d": "ďđð",
    "e": "èéêëēĕėęě",
    "g": "ĝğġģ",
    "h": "ĥħ",
    "i": "ìíîïĩīĭįı",
    "j": "ĵ",
    "k": "ķ",
    "l": "ĺļľŀł",
    "n": "ñńņň",
    "o": "òóôõöøōŏő",
    "r": "ŕŗř",
    "s": "śŝşšș",
    "t": "ţťŧț",
    "u": "ùúûüũūŭůűų",
    "w": "ŵ",
    "y": "ýÿŷ",
    "z": "źżž",
}
LIGATURES: dict[str, str] = {"ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}

# --- Locations -----------------------------------------------------------------------------

# Country aliases (lower-case, dots removed) to the canonical name. ISO-2 codes other than
# US/UK/GB are left out on purpose: "DE", "IN", "CA" are also US state codes.
COUNTRIES: dict[str, str] = {
    "us": "United States",
    "usa": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "uk": "United Kingdom",
    "gb": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom": "United Kingdom",
    "germany": "Germany",
    "deutschland": "Germany",
    "france": "France",
    "netherlands": "Netherlands",
    "the netherlands": "Netherlands",
    "ireland": "Ireland",
    "spain": "Spain",
    "españa": "Spain",
    "italy": "Italy",
    "italia": "Italy",
    "canada": "Canada",
    "india": "India",
    "poland": "Poland",
    "polska": "Poland",
    "sweden": "Sweden",
    "sverige": "Sweden",
    "switzerland": "Switzerland",
    "schweiz": "Switzerland",
    "suisse": "Switzerland",
    "portugal": "Portugal",
    "austria": "Austria",
    "österreich": "Austria",
    "belgium": "Belgium",
    "belgië": "Belgium",
    "belgique": "Belgium",
    "denmark": "Denmark",
    "danmark": "Denmark",
}

# The world region of every country COUNTRIES names (UN M49 continental regions), the top of
# gold.dim_location's hierarchy: world region -> country -> region/state -> city.
WORLD_REGIONS: dict[str, str] = {
    "United States": "Americas",
    "Canada": "Americas",
    "India": "Asia",
    **dict.fromkeys(
        (
            "United Kingdom", "Germany", "France", "Netherlands", "Ireland", "Spain", "Italy", "Poland",
            "Sweden", "Switzerland", "Portugal", "Austria", "Belgium", "Denmark",
        ),
        "Europe",
    ),
}  # fmt: skip

# UK nations are regions of the United Kingdom ("London, England").
UK_NATIONS: dict[str, str] = {
    "england": "England",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern ireland": "Northern Ireland",
}

# US states, DC and Puerto Rico: code to name. A location region that matches either becomes the code.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

# Location words meaning remote (they set `is_remote`), other workplace words, words that may
# follow them ("Remote in US", "Remote only"), and areas wider than a country ("Remote - EMEA"
# has no country): all are dropped before the location is split into parts.
LOCATION_REMOTE_WORDS: list[str] = ["remote", "anywhere", "work from home", "wfh", "telecommute", "telework"]
LOCATION_WORKPLACE_WORDS: list[str] = ["hybrid", "on site", "onsite", "fully", "100%"]
LOCATION_REMOTE_QUALIFIERS: list[str] = [
    "in", "from", "within", "based", "only", "first", "friendly", "eligible",
]  # fmt: skip
MACRO_REGIONS: list[str] = ["emea", "europe", "eu", "apac", "latam", "north america", "worldwide", "global"]

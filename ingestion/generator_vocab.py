"""Vocabulary tables the posting generator draws from: families, companies, places, pay."""

# fmt: off
# Hand-aligned tables of values; the formatter would put every string on its own line.

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """One job family: its roles (title, search keyword) and what its postings talk about."""

    roles: tuple[tuple[str, str], ...]
    area: str
    specialisms: tuple[str, ...]
    abbreviations: tuple[tuple[str, str], ...]
    functions: tuple[str, ...]
    skills: tuple[str, ...]
    duties: tuple[str, ...]
    requirements: tuple[str, ...]
    pay_usd: int
    weight: int


FAMILIES: dict[str, Family] = {
    "data": Family(
        roles=(("Data Engineer", "data engineer"), ("Data Analyst", "data analyst"),
               ("Data Scientist", "data scientist"), ("Analytics Engineer", "data engineer"),
               ("Machine Learning Engineer", "data scientist"), ("BI Developer", "data analyst")),
        area="Data",
        specialisms=("Spark", "Data Platform", "Marketing Analytics", "Python/SQL", "Streaming", "Risk"),
        abbreviations=(("Machine Learning", "ML"), ("Engineer", "Eng."), ("Business Intelligence", "BI")),
        functions=("Engineering", "Information Technology", "Analyst"),
        skills=("Python", "SQL", "Apache Spark", "Airflow", "dbt", "AWS", "Snowflake", "Kafka", "Tableau",
                "Power BI", "R", "Statistics", "Databricks", "pandas", "Looker"),
        duties=("Build and maintain batch and streaming pipelines that feed our analytics platform.",
                "Model data in the warehouse so analysts can answer questions without waiting on engineers.",
                "Design dashboards in Tableau or Looker for commercial and operations teams.",
                "Run experiments and explain the results to product managers in plain language.",
                "Own data quality checks, alerting and documentation for the datasets you publish.",
                "Partner with data scientists to take models from notebook to production."),
        requirements=("Strong SQL and Python; you write code other people can read.",
                      "Hands-on experience with Spark, Databricks or a similar distributed engine.",
                      "R and Python for statistics, A/B testing and forecasting.",
                      "Experience with Airflow or dbt and a cloud warehouse such as Snowflake or BigQuery.",
                      "Familiarity with AWS (S3, Glue, EMR) or GCP; experience with Go or Scala is a plus.",
                      "Comfort with Kafka or another event streaming platform.",
                      "Advanced Excel and at least one BI tool (Tableau, Power BI, Looker)."),
        pay_usd=125_000, weight=16),
    "software": Family(
        roles=(("Software Engineer", "software engineer"), ("Software Developer", "software engineer"),
               ("Backend Engineer", "software engineer"), ("Frontend Developer", "frontend developer"),
               ("Full Stack Engineer", "software engineer"), ("iOS Developer", "mobile developer")),
        area="Engineering",
        specialisms=("Backend", "Frontend", "Payments", "Java", "Go", "React", "Platform", "Mobile"),
        abbreviations=(("Software Engineer", "SWE"), ("Engineer", "Eng"), ("Developer", "Dev")),
        functions=("Engineering", "Information Technology"),
        skills=("Java", "Python", "Go", "Rust", "TypeScript", "React", "Node.js", "Kotlin", "Swift",
                "PostgreSQL", "Docker", "Kubernetes", "AWS", "GraphQL", "C#"),
        duties=("Design, build and ship features end to end, from API to user interface.",
                "Review code, pair with teammates and keep our services fast and reliable.",
                "Break large problems into small, well-tested increments.",
                "Improve our CI pipeline, test coverage and developer tooling.",
                "Take part in an on-call rotation for the services your team owns.",
                "Work with product and design to turn ideas into working software."),
        requirements=("Professional experience with Go or Rust, or a strong wish to learn them.",
                      "Solid knowledge of Java or Kotlin and the Spring ecosystem.",
                      "Experience building web applications with React and TypeScript.",
                      "Good understanding of relational databases such as PostgreSQL or MySQL.",
                      "Experience with Docker, Kubernetes and AWS or Azure.",
                      "Comfortable with C, C++ or C# in performance-sensitive code.",
                      "Python or Node.js for backend services and scripting."),
        pay_usd=135_000, weight=18),
    "devops": Family(
        roles=(("DevOps Engineer", "devops engineer"), ("Site Reliability Engineer", "devops engineer"),
               ("Cloud Engineer", "cloud engineer"), ("Platform Engineer", "devops engineer"),
               ("Cloud Architect", "cloud engineer")),
        area="Infrastructure",
        specialisms=("AWS", "Kubernetes", "Azure", "GCP", "Observability", "Security"),
        abbreviations=(("Site Reliability Engineer", "SRE"), ("DevOps", "Dev Ops"), ("Engineer", "Eng.")),
        functions=("Engineering", "Information Technology"),
        skills=("AWS", "Azure", "GCP", "Kubernetes", "Terraform", "Docker", "Linux", "Ansible", "Prometheus",
                "Grafana", "Go", "Python", "Bash", "Helm", "CI/CD"),
        duties=("Run and automate our Kubernetes clusters across several cloud regions.",
                "Manage infrastructure as code with Terraform and review changes from other teams.",
                "Improve monitoring, alerting and incident response for production services.",
                "Reduce cloud spend without hurting reliability.",
                "Build self-service deployment pipelines for product engineers."),
        requirements=("Deep experience with AWS or GCP, ideally both.",
                      "Kubernetes, Helm and Docker in production.",
                      "Terraform or Pulumi; Ansible is a plus.",
                      "Go or Python for tooling and automation, plus solid Bash.",
                      "Linux administration and networking fundamentals (DNS, TLS, load balancing).",
                      "Experience with Prometheus and Grafana or Datadog."),
        pay_usd=140_000, weight=9),
    "product": Family(
        roles=(("Product Manager", "product manager"), ("Product Owner", "product manager"),
               ("Technical Product Manager", "product manager"), ("Product Analyst", "product manager")),
        area="Product",
        specialisms=("Growth", "Payments", "Platform", "B2B SaaS", "Mobile", "AI"),
        abbreviations=(("Product Manager", "PM"), ("Technical", "Tech")),
        functions=("Product Management", "Marketing"),
        skills=("Product Strategy", "Roadmapping", "Jira", "SQL", "A/B Testing", "Agile", "Scrum",
                "User Research", "Amplitude", "Stakeholder Management"),
        duties=("Own the roadmap for your product area and explain the why behind it.",
                "Talk to customers every week and turn what you learn into clear problem statements.",
                "Write concise specs and work daily with engineering and design.",
                "Define success metrics and follow them after every launch."),
        requirements=("Experience as a product manager on a software product.",
                      "Basic SQL so you can answer your own questions in Amplitude or the warehouse.",
                      "Comfortable with Agile and Scrum rituals, Jira and Confluence.",
                      "Excellent written communication and stakeholder management.",
                      "A track record of launching features that moved a metric."),
        pay_usd=140_000, weight=6),
    "design": Family(
        roles=(("UX Designer", "ux designer"), ("UI/UX Designer", "ux designer"),
               ("Product Designer", "ux designer"), ("Graphic Designer", "graphic designer"),
               ("UX Researcher", "ux designer")),
        area="Design",
        specialisms=("Mobile", "Design Systems", "Brand", "E-commerce", "Accessibility"),
        abbreviations=(("UI/UX", "UX/UI"), ("User Experience", "UX")),
        functions=("Design", "Art/Creative"),
        skills=("Figma", "Sketch", "Adobe Creative Suite", "Prototyping", "User Research", "Wireframing",
                "Design Systems", "Accessibility", "Illustrator", "Photoshop"),
        duties=("Design flows, wireframes and high-fidelity prototypes in Figma.",
                "Run usability tests and interviews and share what you learn.",
                "Contribute to and maintain our design system.",
                "Work with engineers to make sure what ships matches what we designed."),
        requirements=("A portfolio that shows your process, not just final screens.",
                      "Expert in Figma; Adobe Illustrator and Photoshop for visual work.",
                      "Experience with user research and usability testing.",
                      "Understanding of accessibility standards (WCAG 2.1).",
                      "Some HTML and CSS knowledge is a plus."),
        pay_usd=110_000, weight=5),
    "sales": Family(
        roles=(("Account Executive", "sales"), ("Sales Development Representative", "sales"),
               ("Account Manager", "sales"), ("Sales Manager", "sales"),
               ("Business Development Representative", "sales")),
        area="Sales",
        specialisms=("Enterprise", "Mid-Market", "SMB", "DACH", "EMEA", "New Business"),
        abbreviations=(("Sales Development Representative", "SDR"), ("Account Executive", "AE"),
                       ("Business Development Representative", "BDR")),
        functions=("Sales", "Business Development"),
        skills=("Salesforce", "HubSpot", "Negotiation", "Prospecting", "Cold Calling", "B2B Sales",
                "Account Management", "Pipeline Management", "SaaS", "Outreach"),
        duties=("Prospect into new accounts by phone, email and LinkedIn.",
                "Run discovery calls and product demos with decision makers.",
                "Manage a healthy pipeline in Salesforce and forecast accurately.",
                "Negotiate contracts and close new business against a quarterly quota."),
        requirements=("A record of hitting or beating quota in B2B sales.",
                      "Experience with Salesforce or HubSpot CRM.",
                      "Confident on the phone and comfortable with cold outreach.",
                      "Fluent English; German or French is a strong plus.",
                      "Experience selling SaaS to technical buyers."),
        pay_usd=85_000, weight=9),
    "marketing": Family(
        roles=(("Marketing Manager", "marketing"), ("Digital Marketing Specialist", "marketing"),
               ("Content Marketing Manager", "marketing"), ("SEO Specialist", "marketing"),
               ("Growth Marketer", "marketing")),
        area="Marketing",
        specialisms=("Demand Generation", "Content", "SEO/SEM", "Brand", "Lifecycle", "Product Marketing"),
        abbreviations=(("Marketing", "Mktg"), ("Specialist", "Spec.")),
        functions=("Marketing", "Public Relations"),
        skills=("SEO", "Google Analytics", "HubSpot", "Google Ads", "Content Strategy", "Copywriting",
                "Email Marketing", "Social Media", "Marketo", "Excel"),
        duties=("Plan and run multi-channel campaigns from brief to report.",
                "Grow organic traffic through SEO and a steady content calendar.",
                "Manage paid budgets across Google Ads and LinkedIn.",
                "Build lifecycle email journeys in HubSpot or Marketo."),
        requirements=("Hands-on experience with Google Analytics 4 and Google Ads.",
                      "Strong copywriting skills in English.",
                      "Experience with HubSpot or Marketo automation.",
                      "Comfortable in Excel or Google Sheets; some SQL is a bonus.",
                      "A portfolio of campaigns with measurable results."),
        pay_usd=90_000, weight=7),
    "healthcare": Family(
        roles=(("Registered Nurse", "nurse"), ("Nurse Practitioner", "nurse"),
               ("Licensed Practical Nurse", "nurse"), ("Staff Nurse", "nurse"),
               ("Clinical Nurse Specialist", "nurse"), ("Healthcare Assistant", "healthcare assistant")),
        area="Nursing",
        specialisms=("ICU", "Emergency Department", "Med/Surg", "Night Shift", "Pediatrics", "Oncology",
                     "Labor & Delivery", "Home Health"),
        abbreviations=(("Registered Nurse", "RN"), ("Licensed Practical Nurse", "LPN"),
                       ("Nurse Practitioner", "NP")),
        functions=("Health Care Provider",),
        skills=("Patient Care", "BLS", "ACLS", "Epic", "Medication Administration", "Critical Care",
                "Wound Care", "Triage", "IV Therapy", "Care Planning"),
        duties=("Deliver safe, compassionate patient care across day and night shifts.",
                "Assess patients, plan care and document it in Epic.",
                "Administer medication and IV therapy following hospital policy.",
                "Work with physicians, therapists and families to plan discharge.",
                "Supervise and support healthcare assistants and student nurses."),
        requirements=("Active RN licence (or NMC PIN in the UK) in good standing.",
                      "Current BLS certification; ACLS required for critical care units.",
                      "At least one year of acute care or patient care experience.",
                      "Experience with Epic or Cerner electronic health records.",
                      "Calm under pressure, with excellent communication at the bedside."),
        pay_usd=88_000, weight=12),
    "finance": Family(
        roles=(("Accountant", "accountant"), ("Financial Analyst", "financial analyst"),
               ("Staff Accountant", "accountant"), ("Accounts Payable Specialist", "accountant"),
               ("FP&A Analyst", "financial analyst"), ("Financial Controller", "accountant")),
        area="Finance",
        specialisms=("FP&A", "Month-End Close", "Tax", "Audit", "Treasury", "Payroll"),
        abbreviations=(("Financial", "Fin."), ("Accounts Payable", "AP"), ("Accountant", "Acct.")),
        functions=("Finance", "Accounting/Auditing"),
        skills=("Excel", "SAP", "Oracle NetSuite", "GAAP", "IFRS", "Financial Modeling", "Budgeting",
                "Forecasting", "Power BI", "Reconciliation"),
        duties=("Own parts of the month-end close, journals and balance sheet reconciliations.",
                "Build budgets, forecasts and variance analysis for department heads.",
                "Prepare management accounts and support the annual audit.",
                "Process supplier invoices and keep accounts payable ageing under control."),
        requirements=("Advanced Excel (pivot tables, XLOOKUP, Power Query).",
                      "Experience with SAP or Oracle NetSuite.",
                      "Working knowledge of US GAAP or IFRS.",
                      "CPA, ACCA, CIMA or progress toward one.",
                      "Financial modeling experience; Power BI or Tableau is a plus."),
        pay_usd=85_000, weight=9),
    "support": Family(
        roles=(("Customer Support Specialist", "customer support"),
               ("Customer Success Manager", "customer support"),
               ("Technical Support Engineer", "customer support"),
               ("Customer Service Representative", "customer support"),
               ("Support Agent", "customer support")),
        area="Customer Support",
        specialisms=("Tier 2", "German speaking", "Enterprise", "Weekend Shift", "Billing"),
        abbreviations=(("Customer Service Representative", "CSR"), ("Customer Success Manager", "CSM")),
        functions=("Customer Service", "Information Technology"),
        skills=("Zendesk", "Customer Service", "Salesforce", "Troubleshooting", "Intercom", "Communication",
                "Jira", "SQL", "Freshdesk", "CRM"),
        duties=("Answer customer questions by chat, email and phone with empathy and accuracy.",
                "Troubleshoot account and billing issues and escalate bugs to engineering.",
                "Write and improve help-centre articles.",
                "Onboard new customers and keep them successful after launch."),
        requirements=("Experience in a customer-facing support role.",
                      "Familiarity with Zendesk, Intercom or Freshdesk.",
                      "Excellent written English; a second language is a plus.",
                      "Basic SQL or API knowledge for technical support roles.",
                      "Patience, curiosity and excellent communication skills."),
        pay_usd=52_000, weight=9),
}

# Level -> (weight, title templates, LinkedIn seniority labels, pay multiplier, years of experience).
LEVELS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...], float, int]] = {
    "intern": (3, ("{role} Intern", "Intern - {role}", "{role} Internship", "Summer Intern, {role}"),
               ("Internship",), 0.4, 0),
    "junior": (14, ("Junior {role}", "Jr {role}", "Jr. {role}", "{role} I", "Graduate {role}",
                    "Entry Level {role}"), ("Entry level", "Associate"), 0.72, 1),
    "mid": (34, ("{role}", "{role}", "{role}", "{role} II", "{role} (Mid-Level)"),
            ("Associate", "Mid-Senior level"), 1.0, 3),
    "senior": (28, ("Senior {role}", "Sr. {role}", "Sr {role}", "{role}, Senior", "{role} III",
                    "SENIOR {role}"), ("Mid-Senior level",), 1.28, 5),
    "lead": (11, ("Lead {role}", "Staff {role}", "Principal {role}", "{role} Lead"),
             ("Mid-Senior level",), 1.5, 8),
    "director": (6, ("Director of {area}", "Director, {area}", "{area} Director", "Sr. Director, {area}"),
                 ("Director",), 1.9, 10),
    "exec": (4, ("VP of {area}", "Vice President, {area}", "Head of {area}", "VP, {area}"),
             ("Executive",), 2.4, 12),
}

# Canonical legal suffix -> variants as companies write them ("" = suffix dropped).
LEGAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "Inc": ("Inc", "Inc.", ", Inc.", ", Inc", ""), "LLC": ("LLC", ", LLC", "L.L.C.", ""),
    "Corp": ("Corp.", "Corp", "Corporation", ""), "Co": ("Co.", "Co", "Company", ""),
    "Ltd": ("Ltd", "Ltd.", "Limited", ""), "plc": ("plc", "PLC", "Plc", ""), "LLP": ("LLP", ""),
    "GmbH": ("GmbH", ""), "AG": ("AG", ""), "B.V.": ("B.V.", "BV", ""), "N.V.": ("N.V.", "NV", ""),
    "SA": ("SA", "S.A.", ""), "SAS": ("SAS", "S.A.S.", ""), "S.L.": ("S.L.", "SL", ""),
    "S.r.l.": ("S.r.l.", "Srl", ""), "Lda": ("Lda", "Lda.", ""), "": ("",),
}

# name|legal suffix|home region|industry (LinkedIn labels).
COMPANIES: tuple[tuple[str, str, str, str], ...] = tuple(tuple(row.split("|")) for row in """\
Acme|Corp|US|Manufacturing
Globex|Inc|US|Technology, Information and Internet
Stark Industries|LLC|US|Manufacturing
Bluepeak Analytics|Inc|US|Software Development
Cedar Ridge Health|LLC|US|Hospitals and Health Care
St. Aurelia Health System||US|Hospitals and Health Care
Riverbend Medical Group|LLC|US|Hospitals and Health Care
Lumen Ledger|Corp|US|Financial Services
Quarry Labs|Inc|US|Software Development
Tallgrass Logistics|LLC|US|Transportation, Logistics, Supply Chain and Storage
Brightwater Insurance|Co|US|Insurance
Copperline Retail|Inc|US|Retail
Halcyon Games|LLC|US|Computer Games
Ironbark Cloud|Inc|US|IT Services and IT Consulting
Juniper Forge|Corp|US|Software Development
Kestrel Bancorp|Inc|US|Banking
Mapleleaf Staffing|LLC|US|Staffing and Recruiting
Nimbus Data|Corp|US|Technology, Information and Internet
Orchid Biosciences|Inc|US|Biotechnology Research
Redwood Telecom|Inc|US|Telecommunications
Summit Learning|Co|US|E-Learning Providers
Vantage Point Consulting|LLC|US|IT Services and IT Consulting
Lakeshore Children's Hospital||US|Hospitals and Health Care
Initech|Ltd|UK|Software Development
Harbourside Analytics|Ltd|UK|Software Development
Albion Ledger|plc|UK|Banking
Westmoor NHS Foundation Trust||UK|Hospitals and Health Care
Eastvale Care Partners|Ltd|UK|Hospitals and Health Care
Blackfriars Digital|Ltd|UK|Advertising Services
Cobalt & Crane|Ltd|UK|Marketing Services
Duncombe Retail Group|plc|UK|Retail
Greyfriars Insurance|plc|UK|Insurance
Hawthorne Software|Ltd|UK|Software Development
Lark Rise Logistics|Ltd|UK|Transportation, Logistics, Supply Chain and Storage
Marlowe Fintech|Ltd|UK|Financial Services
Northgate Games|Ltd|UK|Computer Games
Pembroke Advisory|LLP|UK|Accounting
Quayside Telecom|Ltd|UK|Telecommunications
Umbrella|GmbH|EU|Biotechnology Research
Spreebogen Data|GmbH|EU|Software Development
Isarblick Versicherung|AG|EU|Insurance
Elbtal Logistik|GmbH|EU|Transportation, Logistics, Supply Chain and Storage
Nordlicht Games|GmbH|EU|Computer Games
Klinikum Falkenried||EU|Hospitals and Health Care
Grachtenwerk|B.V.|EU|Software Development
Tulpenveld Bank|N.V.|EU|Banking
Polderdata|B.V.|EU|IT Services and IT Consulting
Lumiere Conseil|SAS|EU|IT Services and IT Consulting
Clinique Saint-Aubin|SA|EU|Hospitals and Health Care
Maison Verdier|SA|EU|Retail
Liffey Labs|Ltd|EU|Software Development
Shamrock Payments|Ltd|EU|Financial Services
Castellana Datos|S.L.|EU|Software Development
Ramblas Retail|SA|EU|Retail
Navigli Studio|S.r.l.|EU|Design Services
Tejo Cloud|Lda|EU|IT Services and IT Consulting
Donau Med|GmbH|EU|Hospitals and Health Care
Vltava Accounting|SA|EU|Accounting
Alpenglow Travel|AG|EU|Travel Arrangements
Fjordline Energy|AG|EU|Utilities""".splitlines())

HEALTH_INDUSTRY = "Hospitals and Health Care"
OTHER_INDUSTRIES = ("Software Development", "IT Services and IT Consulting", "Financial Services",
                    "Staffing and Recruiting", "Technology, Information and Internet", "Retail")

# Region -> locations as boards print them. REMOTE means "anywhere"; remote places say "Remote" or "Anywhere".
LOCATIONS: dict[str, tuple[str, ...]] = {
    "US": ("Austin, TX", "Austin, Texas, United States", "New York, NY", "New York, NY, United States",
           "San Francisco, CA", "San Francisco Bay Area", "Seattle, WA", "Chicago, IL", "Boston, MA",
           "Denver, CO, United States", "Atlanta, GA", "Raleigh-Durham, North Carolina Area"),
    "UK": ("London, England, United Kingdom", "London", "Manchester, UK",
           "Edinburgh, Scotland, United Kingdom", "Bristol, England", "Leeds, United Kingdom",
           "Greater London, England, United Kingdom"),
    "EU": ("Berlin, Germany", "Berlin, Berlin, Germany", "Munich, Bavaria, Germany", "Hamburg, Germany",
           "Amsterdam, North Holland, Netherlands", "Amsterdam, NL", "Paris, Île-de-France, France",
           "Paris, France", "Dublin, County Dublin, Ireland", "Madrid, Community of Madrid, Spain",
           "Barcelona, Catalonia, Spain", "Milan, Lombardy, Italy", "Lisbon, Portugal", "Vienna, Austria"),
}
REMOTE_LOCATIONS: dict[str, tuple[str, ...]] = {
    "US": ("Remote - US", "United States (Remote)", "Remote (US)"),
    "UK": ("Remote - UK", "United Kingdom (Remote)"),
    "EU": ("Remote, Europe", "EMEA (Remote)"),
    "REMOTE": ("Remote", "Anywhere (Remote)", "Remote - Worldwide"),
}
GERMAN_SPEAKING = ("Germany", "Austria")

CURRENCY = {"US": "USD", "UK": "GBP", "EU": "EUR", "REMOTE": "USD"}
FX_FROM_USD = {"USD": 1.0, "GBP": 0.55, "EUR": 0.6}  # rough local pay levels, not exchange rates

# (template, kind) per currency and period; kind says which of min/max the text carries.
SALARY_FORMATS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("USD", "year"): (("${lo_c} - ${hi_c} a year", "range"), ("${lo_k}K - ${hi_k}K", "range"),
                      ("${lo_k}k-${hi_k}k/yr", "range"), ("USD {lo_c} - {hi_c} per year", "range"),
                      ("Up to ${hi_k}K", "upto")),
    ("USD", "hour"): (("${lo} - ${hi} an hour", "range"), ("${lo_f}/hr - ${hi_f}/hr", "range"),
                      ("From ${lo} an hour", "from"), ("Up to ${hi} per hour", "upto")),
    ("GBP", "year"): (("£{lo_k}k-£{hi_k}k", "range"), ("£{lo_c} - £{hi_c} per annum", "range"),
                      ("£{lo_c} - £{hi_c} a year", "range"), ("Up to £{hi_k}k", "upto")),
    ("GBP", "day"): (("£{lo} per day", "single"), ("£{lo} - £{hi} a day", "range"),
                     ("£{lo}-{hi}/day", "range")),
    ("GBP", "hour"): (("£{lo_f} an hour", "single"), ("£{lo_f} - £{hi_f} per hour", "range")),
    ("EUR", "year"): (("€{lo_d} - €{hi_d} per year", "range"), ("€{lo_k}K - €{hi_k}K", "range"),
                      ("{lo_d} € - {hi_d} € brutto/Jahr", "range"), ("€{lo_c} - €{hi_c} a year", "range")),
    ("EUR", "hour"): (("€{lo} - €{hi} per hour", "range"), ("{lo},00 € pro Stunde", "single")),
    ("EUR", "day"): (("€{lo} per day", "single"), ("€{lo} - €{hi} a day", "range")),
}
UNSTRUCTURED_SALARY = ("Competitive", "Competitive salary + benefits", "DOE", "Competitive + equity")

EMPLOYMENT_TYPES: tuple[tuple[str, int], ...] = (
    ("Full-time", 40), ("FULL_TIME", 12), ("Full time", 6), ("Permanent", 4), ("Contract", 8),
    ("CONTRACTOR", 3), ("Part time", 4), ("Part-time", 4), ("PART_TIME", 2), ("Temporary", 3), ("Temp", 1),
)
INTERNSHIP_TYPES = ("Internship", "INTERNSHIP", "Intern")

BLURBS = ("a fast-growing company in {industry}", "one of the leading names in {industry}",
          "a friendly, mission-driven {industry} business", "an award-winning employer in {industry}")
BENEFITS = ("Generous paid time off and flexible hours.", "Health, dental and vision insurance.",
            "A yearly learning budget for courses and conferences.", "Pension or 401(k) matching.",
            "Paid parental leave.", "A home office stipend.", "Employee share options.",
            "Cycle-to-work scheme and free lunches in the office.")
CLOSINGS = ("We are an equal opportunity employer and value diversity at our company.",
            "We welcome applications from everyone, regardless of background, and we are happy to make "
            "adjustments during the interview process.",
            "Apply today and a recruiter will get back to you within a week.")

-- Example queries over the lake's tables by name: `joblake sql --file docs/queries.sql`, the prompt
-- (`joblake sql`), or any JDBC/ODBC tool connected to `joblake thrift start` (jdbc:hive2://localhost:10000/default).
-- The comment before each query says the question it answers; tests/lakehouse/test_sql.py runs every one of them.

-- Which skills grew fastest month over month?
SELECT period_start AS month, skill_name, category, prev_postings, postings, ROUND(growth, 3) AS growth
FROM gold.agg_skill_trends
WHERE grain = 'month' AND growth IS NOT NULL
ORDER BY growth DESC, postings DESC, skill_name
LIMIT 20;

-- What is the median advertised annual salary per country and currency?
SELECT l.country, f.salary_currency, COUNT(*) AS postings_with_salary,
       PERCENTILE(f.salary_annual_mid, 0.5) AS median_salary_annual
FROM gold.fact_job_postings f
JOIN gold.dim_location l ON f.location_sk = l.location_sk
WHERE f.salary_annual_mid IS NOT NULL AND l.country IS NOT NULL
GROUP BY l.country, f.salary_currency
ORDER BY postings_with_salary DESC, l.country;

-- Which share of each city's postings is remote?
SELECT country, city, postings, ROUND(remote_share, 3) AS remote_share, top_skills
FROM gold.agg_location_analytics
WHERE level = 'city' AND city IS NOT NULL
ORDER BY postings DESC, city;

-- How many postings asked for each skill, week by week?
SELECT period_start AS week, skill_name, postings, ROUND(share, 3) AS share_of_week
FROM gold.agg_skill_trends
WHERE grain = 'week'
ORDER BY week DESC, postings DESC, skill_name
LIMIT 50;

-- Which employers post the most jobs that ask for Python?
SELECT c.company_name, COUNT(DISTINCT f.posting_key) AS python_postings
FROM gold.fact_job_postings f
JOIN gold.bridge_job_skills s ON f.posting_key = s.posting_key
JOIN gold.dim_company c ON f.company_sk = c.company_sk
WHERE s.skill_id = 'python'
GROUP BY c.company_name
ORDER BY python_postings DESC, c.company_name
LIMIT 10;

-- Which share of each source's postings are copies of another posting (and what else is wrong with them)?
SELECT source, SUM(postings) AS postings, SUM(duplicate) AS duplicates,
       ROUND(SUM(duplicate) / SUM(postings), 3) AS duplicate_share,
       ROUND(SUM(with_issues) / SUM(postings), 3) AS share_with_any_issue
FROM gold.agg_posting_quality
GROUP BY source
ORDER BY postings DESC;

-- Why were records quarantined, and how many for each reason?
SELECT reject_reason, COUNT(*) AS records, MIN(quarantined_at) AS first_seen, MAX(quarantined_at) AS last_seen
FROM silver.quarantine
GROUP BY reject_reason
ORDER BY records DESC, reject_reason;

-- Which industries hire the most, and how many of their postings are still open?
SELECT i.industry, COUNT(DISTINCT f.posting_key) AS postings,
       COUNT(DISTINCT CASE WHEN f.is_active THEN f.posting_key END) AS active_postings
FROM gold.bridge_job_industries i
JOIN gold.fact_job_postings f ON i.posting_key = f.posting_key
GROUP BY i.industry
ORDER BY postings DESC, i.industry
LIMIT 15;

-- What seniority mix does each job family hire at?
SELECT COALESCE(f.job_family, 'unclassified') AS job_family, e.seniority_level, COUNT(*) AS postings
FROM gold.fact_job_postings f
JOIN gold.dim_employment e ON f.employment_sk = e.employment_sk
GROUP BY 1, 2
ORDER BY job_family, postings DESC, e.seniority_level;

-- How many postings were published per week, and in how many distinct companies?
SELECT d.week_start, COUNT(*) AS postings, COUNT(DISTINCT f.company_sk) AS companies
FROM gold.fact_job_postings f
JOIN gold.dim_date d ON f.posted_date_sk = d.date_sk
GROUP BY d.week_start
ORDER BY d.week_start;

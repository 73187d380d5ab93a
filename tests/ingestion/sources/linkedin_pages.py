"""Synthetic LinkedIn guest pages (current layout) shared by the connector tests and the benchmark."""

from __future__ import annotations


def card(job_id: str, title: str = "Data Engineer", company: str = "Acme Robotics", listed: str = "2026-10-30") -> str:
    """One search result card as the guest search API serves it (synthetic, current layout)."""
    slug = title.lower().replace(" ", "-")
    tracking = "refId=abc%3D%3D&amp;trackingId=xyz%3D%3D"
    return f"""
<li>
  <div class="base-card relative w-full hover:no-underline focus:no-underline base-card--link base-search-card
              base-search-card--link job-search-card" data-entity-urn="urn:li:jobPosting:{job_id}"
       data-impression-id="jobs-search-result-0" data-reference-id="abc==" data-tracking-id="xyz==">
    <a class="base-card__full-link absolute top-0 right-0 bottom-0 left-0 p-0 z-[2]"
       href="https://www.linkedin.com/jobs/view/{slug}-at-acme-{job_id}?position=1&amp;pageNum=0&amp;{tracking}"
       data-tracking-control-name="public_jobs_jserp-result_search-card">
      <span class="sr-only">{title}</span>
    </a>
    <div class="search-entity-media">
      <img class="artdeco-entity-image" data-delayed-url="https://media.example/logo.png" alt="{company}">
    </div>
    <div class="base-search-card__info">
      <h3 class="base-search-card__title">
            {title}
      </h3>
      <h4 class="base-search-card__subtitle">
        <a class="hidden-nested-link" href="https://www.linkedin.com/company/acme?trk=public_jobs_jserp-result_job-search-card-subtitle">
          {company}
        </a>
      </h4>
      <div class="base-search-card__metadata">
        <span class="job-search-card__location">
          Austin, TX
        </span>
        <div class="job-posting-benefits text-sm"><span class="job-posting-benefits__text">Actively Hiring</span></div>
        <time class="job-search-card__listdate" datetime="{listed}">
          2 days ago
        </time>
      </div>
    </div>
  </div>
</li>"""


def detail_page(title: str = "Data Engineer", *, description: str = "<p>Build <strong>pipelines</strong>.</p>") -> str:
    """A guest job detail page (synthetic, current layout) with criteria, salary, apply link and applicants."""
    return f"""
<section class="top-card-layout container-lined overflow-hidden babybear:rounded-[0px]">
  <div class="top-card-layout__entity-info-container flex flex-wrap papabear:flex-nowrap">
    <div class="top-card-layout__entity-info flex-grow flex-shrink-0 basis-0 babybear:flex-auto">
      <a href="https://www.linkedin.com/jobs/view/data-engineer-at-acme-4012345678" data-tracking-will-navigate>
        <h2 class="top-card-layout__title font-sans text-lg papabear:text-xl font-bold">{title}</h2>
      </a>
      <h4 class="top-card-layout__second-subline font-sans text-sm leading-open text-color-text-low-emphasis">
        <div class="topcard__flavor-row">
          <span class="topcard__flavor">
            <a class="topcard__org-name-link topcard__flavor--black-link" href="https://www.linkedin.com/company/acme">
              Acme Robotics
            </a>
          </span>
          <span class="topcard__flavor topcard__flavor--bullet">Austin, TX</span>
        </div>
        <div class="topcard__flavor-row">
          <span class="posted-time-ago__text topcard__flavor--metadata">2 days ago</span>
          <figure class="num-applicants__figure topcard__flavor--metadata topcard__flavor--bullet">
            <figcaption class="num-applicants__caption">Be among the first 25 applicants</figcaption>
          </figure>
        </div>
      </h4>
      <code id="applyUrl" style="display: none"><!--"https://www.linkedin.com/jobs/view/externalApply/4012345678?url=https%3A%2F%2Fcareers%2Eacme%2Eexample%2Fjobs%2F77%3Fsource%3Dlinkedin&urlHash=Ab1c"--></code>
    </div>
  </div>
</section>
<div class="salary compensation__salary">
  $120,000.00/yr - $150,000.00/yr
</div>
<section class="core-section-container my-3 description">
  <div class="core-section-container__content break-words">
    <div class="description__text description__text--rich">
      <section class="show-more-less-html" data-max-lines="5">
        <div class="show-more-less-html__markup show-more-less-html__markup--clamp-after-5 relative overflow-hidden">
          {description}
          <ul><li>Python</li><li>Spark</li></ul>
        </div>
        <button class="show-more-less-html__button show-more-less-button" aria-expanded="false">Show more</button>
      </section>
    </div>
    <ul class="description__job-criteria-list">
      <li class="description__job-criteria-item">
        <h3 class="description__job-criteria-subheader">Seniority level</h3>
        <span class="description__job-criteria-text description__job-criteria-text--criteria">Mid-Senior level</span>
      </li>
      <li class="description__job-criteria-item">
        <h3 class="description__job-criteria-subheader">Employment type</h3>
        <span class="description__job-criteria-text description__job-criteria-text--criteria">Full-time</span>
      </li>
      <li class="description__job-criteria-item">
        <h3 class="description__job-criteria-subheader">Job function</h3>
        <span class="description__job-criteria-text description__job-criteria-text--criteria">
          Engineering and Information Technology
        </span>
      </li>
      <li class="description__job-criteria-item">
        <h3 class="description__job-criteria-subheader">Industries</h3>
        <span class="description__job-criteria-text description__job-criteria-text--criteria">
          Technology, Information and Internet
        </span>
      </li>
    </ul>
  </div>
</section>"""


# A layout where the class names moved: no base-card urn, other title/description classes.

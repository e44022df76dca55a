"""The articles the course is taught from (see ../shared/sources/README.md).

Every lesson, fact and question cites one of these ids; the schema refuses any other.
"""

ARTICLES: dict[str, str] = {
    "creation-over-service": "Understanding the importance of customer creation over customer service",
    "customer-keeping": "Overlook customer-keeping at your own peril",
    "service-not-by-chance": "Don't leave customer service up to chance",
    "good-customers": "When good customers do good things",
    "partnering-over-prospecting": "Partnering with customers works better than prospecting",
}
"""The five articles in ../shared/sources/: the course's main references."""

OUTSIDE_SOURCES: dict[str, str] = {
    "hse-work-related-violence": (
        "Health and Safety Executive (UK), Work-related violence: definition and guidance for employers (hse.gov.uk)"
    ),
    "uk-gdpr-article-5": (
        "UK General Data Protection Regulation, Article 5(1)(f): integrity and confidentiality of personal data"
    ),
    "wiseman-1996": "Theresa Wiseman, A concept analysis of empathy, Journal of Advanced Nursing 23(6), 1996",
    "reichheld-2003": "Frederick F. Reichheld, The one number you need to grow, Harvard Business Review, December 2003",
    "dixon-2010": (
        "Matthew Dixon, Karen Freeman and Nicholas Toman, Stop trying to delight your customers, "
        "Harvard Business Review, July-August 2010"
    ),
}
"""Published references outside the articles, for topics the articles do not cover (the
"Hard conversations" module). Each is named so a trainer can look it up; as with the
articles, facts carry over and sentences do not."""

SOURCES: dict[str, str] = {**ARTICLES, **OUTSIDE_SOURCES}
"""Every source id a lesson, fact or question may cite."""

# The facts checklist of ../shared/sources/README.md, one id per line, so a test can check
# that the course teaches each in a lesson (``Fact.checklist``) and tests it in a question
# (``covers``). The wording here is a paraphrase for trainers, not course text.
CHECKLIST: dict[str, tuple[str, str]] = {
    # creation-over-service
    "creation-first": (
        "creation-over-service",
        "Creating customers comes before serving them; service skill grows from service experience.",
    ),
    "low-expectations": (
        "creation-over-service",
        "Service expectations are low, so doing what you said, when you said, beats most providers.",
    ),
    "creation-is-harder": (
        "creation-over-service",
        "Creating customers is harder: sales skill and persistent prospecting, asking known and unknown people for business or referrals.",
    ),
    "right-customers": (
        "creation-over-service",
        "Attracting customers who fit your expertise makes service easier and brings better referrals.",
    ),
    "advertising-cost": (
        "creation-over-service",
        "Paid advertising is costly and brings lower-quality, lower-profit leads and a long sales cycle.",
    ),
    # customer-keeping
    "no-warehousing": (
        "customer-keeping",
        "Winning then ignoring customers is over; fewer, stronger competitors remain.",
    ),
    "rising-expectations": (
        "customer-keeping",
        "Customers are better informed and expect as good as last time or better: product plus brand promise.",
    ),
    "sharp-competitor": ("customer-keeping", "Every company has a sharp competitor courting its best customers."),
    "not-all-alike": (
        "customer-keeping",
        "Valuing all existing customers the same is a mistake: habit-stayers versus newcomers seeking something different.",
    ),
    "keeping-easier": ("customer-keeping", "Keeping existing customers is easier than finding new ones."),
    "everyone-touches": (
        "customer-keeping",
        "Everyone who touches the customer counts: installers, receivables, reception, not only sales.",
    ),
    "know-their-business": (
        "customer-keeping",
        "Salespeople who understand customers' products and industries keep competitors away.",
    ),
    "visible-quick-wins": (
        "customer-keeping",
        "Pleasant service, on-site protocols and rapid response are visible, measurable and can start at once.",
    ),
    # service-not-by-chance
    "every-customer": (
        "service-not-by-chance",
        "Service must be consistent and for every customer, not a whim or only for the affluent.",
    ),
    "eighty-percent": (
        "service-not-by-chance",
        "Reported: after two years, an outstanding-service salesperson gets about 80% of sales from existing customers.",
    ),
    "no-base-start-over": ("service-not-by-chance", "Salespeople who build no customer base start over every year."),
    "choose-employer": ("service-not-by-chance", "Choose an employer that services customers after the sale."),
    "new-costs-more": (
        "service-not-by-chance",
        "Gaining a new customer costs many times more than saving an existing one.",
    ),
    "constant-service": (
        "service-not-by-chance",
        "Constant service leaves competitors no opening; lifetime customers come from steady service.",
    ),
    "snowball": (
        "service-not-by-chance",
        "The first sale starts a relationship; satisfied customers refer others; keep steady contact.",
    ),
    # good-customers
    "good-clients-market": (
        "good-customers",
        "Good clients lower acquisition cost and market for you (Staples, Starbucks, Southwest, UPS).",
    ),
    "recognition": (
        "good-customers",
        "Recognition: be genuinely interested in people (Carnegie); customers bring their own baggage.",
    ),
    "stop-negotiating": ("good-customers", "The best customers understand your value and trust your fees."),
    "generosity": ("good-customers", "Generosity: gratitude for a job well done, both ways."),
    "loyalty": ("good-customers", "Loyalty: take time to know customers; relationships make communities."),
    "communicate": ("good-customers", "Relationships are built by communicating, despite distractions."),
    # partnering-over-prospecting
    "cold-calling-hard": (
        "partnering-over-prospecting",
        "Prospecting and cold calling are hard; bought lead lists rarely stay warm.",
    ),
    "hottest-prospects": ("partnering-over-prospecting", "The hottest prospects already know and like you."),
    "service-leaders": (
        "partnering-over-prospecting",
        "Service leaders Nordstrom, Amazon, Zappos (free shipping, 365-day returns, 24/7, money back).",
    ),
    "solve-before-noticed": (
        "partnering-over-prospecting",
        "Service leaders solve problems before the customer notices.",
    ),
    "five-times": (
        "partnering-over-prospecting",
        "Reported by the Customer Service Institute: a new customer costs 5x satisfying an existing one.",
    ),
    "repeat-odds": (
        "partnering-over-prospecting",
        "Reported from a Marketing Metrics study: repeat 2 in 3, lapsed 1 in 4, new 1 in 10.",
    ),
    "ninety-one": (
        "partnering-over-prospecting",
        "Reported in the Customer Service Manager eZine: 91% of unhappy customers never return and tell 7+ people.",
    ),
    "partners": (
        "partnering-over-prospecting",
        "Treat customers as partners: ask what they want; often cheaper than feared.",
    ),
    "proactive": (
        "partnering-over-prospecting",
        "Be proactive (pricing, upgrades, suggestions); when wrong, customers expect a refund or contrition.",
    ),
    "available-accurate": (
        "partnering-over-prospecting",
        "Be available, knowledgeable, careful: answer quickly, accurately, honestly.",
    ),
}

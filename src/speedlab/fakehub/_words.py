"""The vocabulary fakehub builds repositories from, and the words GitHub is full of.

Everything here is a constant table; :mod:`._population` and :mod:`._corpus` draw from it with
hashes of the query, so the same query always gets the same names, licenses and languages.

:data:`COMMON_WORDS` is why ``torch language:python`` has many thousands of results, as on GitHub,
instead of whatever a hash happens to give: a keyword made only of these words is a *common* one.
The list holds the lecture's eight keywords (search, torch, tensorflow, requests, alice, data,
deep, ML), the names of popular libraries and tools, and the everyday English and programming words
that repository names and descriptions are made of. Any other keyword keeps the hash-drawn spread
(some find nothing, some a few hundred, most thousands), which the paging tests rely on.
"""

from __future__ import annotations

__all__ = [
    "ADJECTIVES",
    "COMMON_WORDS",
    "LANGUAGE_WEIGHTS",
    "LICENSES",
    "LOGIN_SUFFIXES",
    "NOUNS",
    "PURPOSES",
    "RARE_LANGUAGE_SHARE",
    "REPO_URL_TEMPLATES",
    "SYLLABLES",
    "TOPICS",
]

#: Share of public repositories per primary language (roughly GitHub's, 2024-2026).
LANGUAGE_WEIGHTS: dict[str, float] = {
    "Python": 0.22,
    "JavaScript": 0.14,
    "TypeScript": 0.10,
    "Java": 0.07,
    "Jupyter Notebook": 0.06,
    "Go": 0.05,
    "C++": 0.05,
    "C": 0.03,
    "Rust": 0.03,
    "HTML": 0.03,
    "C#": 0.03,
    "PHP": 0.03,
    "Shell": 0.02,
    "Ruby": 0.02,
    "Kotlin": 0.015,
    "Swift": 0.01,
    "Dart": 0.01,
    "R": 0.01,
    "Vue": 0.01,
    "Scala": 0.005,
}

#: Share of a keyword's repositories for any language outside :data:`LANGUAGE_WEIGHTS`.
RARE_LANGUAGE_SHARE = 0.004

#: Owner logins are spelled with these (one syllable per base-30 digit of the owner's index).
SYLLABLES = (
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "ba", "da", "fe", "gi", "ho", "ju",
    "ko", "ly", "mo", "nu", "pa", "qi", "ro", "su", "ta", "un", "ve", "wo", "xa", "yo", "zu",
)  # fmt: skip

#: Endings of logins; every non-empty one starts with a character no syllable starts with.
LOGIN_SUFFIXES = ("", "", "", "-dev", "-lab", "hq", "-io", "42", "7", "2024", "-py", "x")

#: Second halves of repository names and the nouns of descriptions.
NOUNS = (
    "kit", "lib", "tools", "api", "core", "lab", "hub", "cli", "server", "client", "utils",
    "engine", "bot", "flow", "box", "net", "app", "db", "sdk", "demo", "examples", "notes",
    "playground", "starter", "toolkit", "service", "pipeline", "tracker", "viewer", "builder",
)  # fmt: skip

ADJECTIVES = (
    "fast", "simple", "tiny", "modern", "minimal", "robust", "lightweight", "async", "typed",
    "experimental", "practical", "friendly", "pure-python", "scalable", "extensible",
)  # fmt: skip

PURPOSES = (
    "for data pipelines", "for the command line", "for researchers", "with batteries included",
    "built on asyncio", "for production use", "with a clean API", "for teaching and learning",
    "for web scraping", "that just works", "for large datasets", "for small teams",
)  # fmt: skip

TOPICS = (
    "python", "machine-learning", "deep-learning", "api", "cli", "data-science", "web",
    "automation", "asyncio", "http", "testing", "visualization", "nlp", "computer-vision",
    "devops", "database", "scraping", "education", "tutorial", "framework", "library",
)  # fmt: skip

#: ``(key, name, spdx_id, node_id)`` of the licenses items carry (GitHub's own node ids).
LICENSES = (
    ("mit", "MIT License", "MIT", "MDc6TGljZW5zZTEz"),
    ("apache-2.0", "Apache License 2.0", "Apache-2.0", "MDc6TGljZW5zZTI="),
    ("gpl-3.0", "GNU General Public License v3.0", "GPL-3.0", "MDc6TGljZW5zZTk="),
    ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License', "BSD-3-Clause", "MDc6TGljZW5zZTU="),
    ("other", "Other", "NOASSERTION", "MDc6TGljZW5zZTA="),
)

#: Hypermedia templates of a repository, in GitHub's order (``{r}`` is the repository API URL).
REPO_URL_TEMPLATES = (
    ("forks_url", "{r}/forks"),
    ("keys_url", "{r}/keys{{/key_id}}"),
    ("collaborators_url", "{r}/collaborators{{/collaborator}}"),
    ("teams_url", "{r}/teams"),
    ("hooks_url", "{r}/hooks"),
    ("issue_events_url", "{r}/issues/events{{/number}}"),
    ("events_url", "{r}/events"),
    ("assignees_url", "{r}/assignees{{/user}}"),
    ("branches_url", "{r}/branches{{/branch}}"),
    ("tags_url", "{r}/tags"),
    ("blobs_url", "{r}/git/blobs{{/sha}}"),
    ("git_tags_url", "{r}/git/tags{{/sha}}"),
    ("git_refs_url", "{r}/git/refs{{/sha}}"),
    ("trees_url", "{r}/git/trees{{/sha}}"),
    ("statuses_url", "{r}/statuses/{{sha}}"),
    ("languages_url", "{r}/languages"),
    ("stargazers_url", "{r}/stargazers"),
    ("contributors_url", "{r}/contributors"),
    ("subscribers_url", "{r}/subscribers"),
    ("subscription_url", "{r}/subscription"),
    ("commits_url", "{r}/commits{{/sha}}"),
    ("git_commits_url", "{r}/git/commits{{/sha}}"),
    ("comments_url", "{r}/comments{{/number}}"),
    ("issue_comment_url", "{r}/issues/comments{{/number}}"),
    ("contents_url", "{r}/contents/{{+path}}"),
    ("compare_url", "{r}/compare/{{base}}...{{head}}"),
    ("merges_url", "{r}/merges"),
    ("archive_url", "{r}/{{archive_format}}{{/ref}}"),
    ("downloads_url", "{r}/downloads"),
    ("issues_url", "{r}/issues{{/number}}"),
    ("pulls_url", "{r}/pulls{{/number}}"),
    ("milestones_url", "{r}/milestones{{/number}}"),
    ("notifications_url", "{r}/notifications{{?since,all,participating}}"),
    ("labels_url", "{r}/labels{{/name}}"),
    ("releases_url", "{r}/releases{{/id}}"),
    ("deployments_url", "{r}/deployments"),
)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Lower-case words that match many thousands of public repositories on GitHub.
COMMON_WORDS = _word_set(
    """
    search torch tensorflow requests alice data deep ml

    ai algorithm algorithms analysis analytics android angular ansible api app apps arduino
    async asyncio audio auth automation aws azure backend bash benchmark bert blockchain blog
    book bootstrap bot browser bug build cache calculator camera chat chatbot chess cli client
    cloud cluster code compiler computer config console container converter crawler crypto
    css dashboard database dataset datasets debug deploy detection devops discord django docker
    docs document download editor education email embedded emulator engine example examples
    excel face file files finance flask flutter font form framework frontend game games gan
    generator geo git github gpt gpu graph graphql gui hack hardware helper home html http
    image images interpreter ios iot java javascript jupyter kafka keras kernel kotlin kubernetes
    lab language laravel learning library linux llm log logger login machine manager map maps
    markdown math matplotlib media microservice minecraft mobile model models monitor monitoring
    movie music mysql network neural nlp node notebook notes numpy object opencv openai os pandas
    parser pdf php pipeline plot plugin portfolio postgres project projects proxy pytorch python
    quantum queue react reader recognition redis regression reinforcement rest robot robotics
    router rust scraper scraping script scripts sdk security segmentation sensor server service
    shell simple simulation simulator slack socket spark spring sql sqlite stock storage stream
    streaming system telegram template terminal test testing text theme time token tool tools
    tracker tracking trading training transformer transformers translation tutorial twitter ui
    utils video vision visualization vue weather web website wiki windows wordpress yolo

    a about all an and app art best big black blue book box city class clean color common cool
    course day design dev easy first for free fun go good great green guide hello home house
    in info list live love my new news of old one open page personal plus pro quick real red
    school science service shop simple small smart social space sound star start store study
    the to top tree two user video voice web white world
    """
)

// Word lists for handles, hashtags and post text: plain ASCII, so the rendered HTML stays predictable.

// biome-ignore format: a word list reads better dense
export const ADJECTIVES: readonly string[] = [
  "quiet", "brave", "civic", "plain", "candid", "steady", "frank", "lucid", "sober", "patient",
  "hidden", "humble", "honest", "curious", "careful", "stubborn", "gentle", "restless", "wry", "loyal",
  "silent", "public", "federal", "local", "rural", "urban", "coastal", "northern", "southern", "western",
  "eastern", "early", "late", "small", "tall", "swift", "slow", "bright", "dim", "clear",
  "open", "free", "fair", "true", "odd", "blue", "green", "grey", "amber", "crimson",
];

// biome-ignore format: a word list reads better dense
export const NOUNS: readonly string[] = [
  "heron", "clerk", "ranger", "scribe", "auditor", "analyst", "archivist", "owl", "fox", "badger",
  "otter", "sparrow", "wren", "raven", "lynx", "beaver", "marmot", "pika", "bison", "elk",
  "ledger", "docket", "memo", "notary", "steward", "keeper", "surveyor", "warden", "pilot", "nurse",
  "teacher", "janitor", "engineer", "forester", "chemist", "geologist", "librarian", "courier", "baker", "farmer",
  "river", "canyon", "prairie", "harbor", "delta", "mesa", "ridge", "glacier", "tundra", "bayou",
];

// biome-ignore format: a word list reads better dense
export const TAGS: readonly string[] = [
  "Immigration", "FOIA", "PublicLands", "Science", "Climate", "Transparency", "Privacy", "FirstAmendment", "Whistleblower", "CivilService",
  "Asylum", "DACA", "Visas", "Census", "Budget", "Oversight", "NationalParks", "Wildlife", "Water", "Wildfire",
  "Health", "Vaccines", "Education", "Housing", "Labor", "Veterans", "Elections", "Courts", "Congress", "Data",
  "OpenData", "Security", "Journalism", "PressFreedom", "Libraries", "Archives", "Weather", "Oceans", "Energy", "Transit",
  "Agriculture", "Food", "Rivers", "Forests", "Deserts", "Mountains", "Birds", "Astronomy", "Geology", "History",
  "Law", "Policy", "Rights", "Accountability", "Ethics", "Procurement",
];

// biome-ignore format: a word list reads better dense
export const ENDINGS: readonly string[] = [
  ".", ".", ".", ".", "!", "?",
];

// biome-ignore format: a word list reads better dense
export const SPOILERS: readonly string[] = [
  "CW: immigration policy", "CW: politics", "CW: legal process", "Long thread", "Spoilers",
];

// biome-ignore format: a word list reads better dense
export const WORDS: readonly string[] = [
  "the", "agency", "policy", "memo", "today", "staff", "data", "report", "court", "public", "office", "record",
  "request", "rule", "people", "visa", "family", "case", "backlog", "wait", "months", "years", "form", "fee",
  "law", "change", "quietly", "published", "removed", "website", "page", "archive", "copy", "saved", "here", "read",
  "thread", "notice", "comment", "period", "closes", "friday", "monday", "deadline", "extended", "again", "applicants", "denied",
  "approved", "appeal", "hearing", "judge", "ruling", "order", "injunction", "filed", "lawyers", "clinic", "volunteers", "help",
  "free", "know", "your", "rights", "do", "not", "sign", "anything", "without", "counsel", "we", "they",
  "it", "is", "was", "will", "be", "new", "old", "same", "more", "less", "numbers", "show",
  "chart", "trend", "since", "january", "last", "year", "week", "budget", "cut", "hiring", "freeze", "contract",
  "vendor", "audit", "inspector", "general", "found", "missing", "files", "emails", "meeting", "minutes", "agenda", "vote",
  "committee", "hearing", "testimony", "witness", "under", "oath", "truth", "matters", "facts", "sources", "confirm", "unconfirmed",
  "rumor", "careful", "sharing", "please", "boost", "this", "share", "widely", "important", "update", "correction", "earlier",
  "post", "wrong", "sorry", "thanks", "everyone", "who", "wrote", "in", "and", "or", "but", "so",
  "then", "now", "still", "keep", "going", "good", "news", "bad", "long", "short", "story", "border",
  "port", "entry", "airport", "green", "card", "citizenship", "test", "interview", "oath", "ceremony", "welcome", "neighbors",
  "community",
];

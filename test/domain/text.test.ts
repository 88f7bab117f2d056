import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  CHARS_PER_URL,
  countStatusChars,
  escapeHtml,
  extractHashtags,
  extractMentions,
  graphemeLength,
  LINK_REL,
  MAX_STATUS_CHARS,
  normalizeTag,
  type RenderLinks,
  renderStatusHtml,
  tokenize,
} from "../../src/domain/text.ts";

/** Alice exists on this server; nobody else does. */
const links: RenderLinks = {
  profileUrl: (h) => (h === "alice" ? "https://publius.test/@alice" : undefined),
  tagUrl: (t) => `https://publius.test/tags/${encodeURIComponent(t)}`,
};

describe("tokenize", () => {
  test("splits text into text, mention, hashtag and link tokens in order", () => {
    assert.deepEqual(tokenize("Hi @alice, see #Resist at https://example.com/a?b=c."), [
      { kind: "text", value: "Hi " },
      { kind: "mention", value: "@alice", handle: "alice" },
      { kind: "text", value: ", see " },
      { kind: "hashtag", value: "#Resist", tag: "Resist" },
      { kind: "text", value: " at " },
      { kind: "url", value: "https://example.com/a?b=c" },
      { kind: "text", value: "." },
    ]);
  });

  test("plain text is a single text token, and empty text has none", () => {
    assert.deepEqual(tokenize("just words"), [{ kind: "text", value: "just words" }]);
    assert.deepEqual(tokenize(""), []);
  });

  test("only http and https addresses are links", () => {
    const kinds = (s: string) => tokenize(s).map((t) => t.kind);
    assert.deepEqual(kinds("example.com"), ["text"]);
    assert.deepEqual(kinds("javascript:alert(1)"), ["text"]);
    assert.deepEqual(kinds("ftp://example.com/file"), ["text"]);
    assert.deepEqual(kinds("HTTP://EXAMPLE.COM"), ["url"]);
  });

  test("a mention or hashtag inside a link belongs to the link", () => {
    assert.deepEqual(tokenize("https://example.com/@alice#top"), [
      { kind: "url", value: "https://example.com/@alice#top" },
    ]);
  });

  test("an e-mail address is not a mention, and x#y is not a hashtag", () => {
    assert.deepEqual(tokenize("bob@alice.com"), [{ kind: "text", value: "bob@alice.com" }]);
    assert.deepEqual(tokenize("x#y"), [{ kind: "text", value: "x#y" }]);
  });

  test("a hashtag needs a letter: #2026 is text, #g20 is a tag", () => {
    assert.deepEqual(extractHashtags("#2026 #g20"), ["g20"]);
  });

  test("a remote mention keeps its domain in the token but names only the user", () => {
    const [t] = tokenize("@bob@example.social");
    assert.deepEqual(t, { kind: "mention", value: "@bob@example.social", handle: "bob" });
  });

  test("a handle longer than 30 characters is not a mention", () => {
    assert.deepEqual(extractMentions(`@${"a".repeat(31)}`), []);
    assert.deepEqual(extractMentions(`@${"a".repeat(30)}`), ["a".repeat(30)]);
  });
});

describe("counting as Mastodon counts", () => {
  test("every link counts 23 characters, however long or short", () => {
    assert.equal(CHARS_PER_URL, 23);
    assert.equal(countStatusChars(`https://example.com/${"x".repeat(200)}`), 23);
    assert.equal(countStatusChars("http://a.io"), 23);
    assert.equal(countStatusChars("see https://example.com and https://example.org"), 4 + 23 + 5 + 23);
  });

  test("a remote mention counts only its @user part", () => {
    assert.equal(countStatusChars("@bob@example.social"), 4);
    assert.equal(countStatusChars("hi @alice"), 9);
  });

  test("characters are counted as people see them (grapheme clusters)", () => {
    assert.equal(countStatusChars("👍🏽"), 1, "an emoji with a skin tone is one character");
    assert.equal(countStatusChars("👨‍👩‍👧‍👦"), 1, "a family joined by zero-width joiners is one character");
    assert.equal(countStatusChars("🇺🇸"), 1, "a flag is one character");
    assert.equal(countStatusChars("e\u0301"), 1, "a letter with a combining accent is one character");
    assert.equal(graphemeLength("👍🏽👍🏽👍🏽"), 3);
  });

  test("the content warning counts toward the limit", () => {
    assert.equal(countStatusChars("body", "spoiler"), 11);
  });

  test("the limit is 500", () => {
    assert.equal(MAX_STATUS_CHARS, 500);
    assert.equal(countStatusChars("a".repeat(500)), 500);
    assert.equal(countStatusChars("👍🏽".repeat(500)), 500);
  });

  test("property: a count is never negative and plain ASCII words count one per character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ maxLength: 50 }), (text, spoiler) => {
        assert.ok(countStatusChars(text, spoiler) >= 0);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z .,!?]{0,200}$/), (text) => {
        assert.equal(countStatusChars(text), text.length);
      }),
    );
  });

  test("property: a link counts 23 wherever it sits between words", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{1,20}$/),
        fc.stringMatching(/^[a-z0-9]{1,40}$/),
        fc.stringMatching(/^[a-z]{0,20}$/),
        (before, path, after) => {
          const text = `${before} https://example.com/${path} ${after}`;
          assert.equal(countStatusChars(text), before.length + 1 + 23 + 1 + after.length);
        },
      ),
    );
  });
});

describe("mentions and hashtags", () => {
  test("hashtags are matched without regard to case: #Resist and #resist are one tag", () => {
    assert.deepEqual(extractHashtags("#Resist and #resist and #RESIST"), ["resist"]);
    assert.equal(normalizeTag("Resist"), normalizeTag("rEsIsT"));
  });

  test("hashtags may be in any script, and compatibility forms fold together", () => {
    assert.deepEqual(extractHashtags("#Café #CAFÉ #日本"), ["café", "日本"]);
    assert.equal(normalizeTag("ｒｅｓｉｓｔ"), "resist", "full-width letters are the same tag");
  });

  test("mentions are distinct, lower-cased, in order of appearance", () => {
    assert.deepEqual(extractMentions("@Bob @alice @BOB @carol"), ["bob", "alice", "carol"]);
  });

  test("a remote mention is not a mention of the local account with the same name", () => {
    // @bob@example.social is somebody else; our @bob must not be told or shown the post.
    assert.deepEqual(extractMentions("hello @bob@example.social and @alice"), ["alice"]);
  });
});

describe("rendering to HTML", () => {
  test("everything typed is escaped: tags, quotes and ampersands", () => {
    const html = renderStatusHtml(`<script>alert("x")</script> & 'q'`, links);
    assert.equal(html, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</p>");
    assert.doesNotMatch(html, /<script/i);
  });

  test("escapeHtml escapes the five HTML-special characters", () => {
    assert.equal(
      escapeHtml(`<a href="x" onclick='y'>&</a>`),
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  test("links open safely: rel nofollow noopener noreferrer ugc, target _blank, escaped href", () => {
    assert.equal(LINK_REL, "nofollow noopener noreferrer ugc");
    assert.equal(
      renderStatusHtml("go https://example.com/a?b=1&c=2", links),
      '<p>go <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc" target="_blank">https://example.com/a?b=1&amp;c=2</a></p>',
    );
  });

  test("a link cannot break out of its attribute", () => {
    const html = renderStatusHtml(`https://example.com/"onmouseover="alert(1)`, links);
    assert.doesNotMatch(html, /" ?onmouseover=/);
  });

  test("a javascript: address stays text", () => {
    assert.equal(renderStatusHtml("javascript:alert(1)", links), "<p>javascript:alert(1)</p>");
  });

  test("a known local mention becomes an h-card link; an unknown one stays plain text", () => {
    assert.equal(
      renderStatusHtml("hi @Alice and @nobody", links),
      '<p>hi <span class="h-card"><a href="https://publius.test/@alice" class="u-url mention">@<span>Alice</span></a></span> and @nobody</p>',
    );
  });

  test("a remote mention is left as text, not linked to the local account of that name", () => {
    assert.equal(renderStatusHtml("@alice@example.social", links), "<p>@alice@example.social</p>");
  });

  test("a hashtag links to the lower-cased tag page and keeps the author's case in the text", () => {
    assert.equal(
      renderStatusHtml("#Resist", links),
      '<p><a href="https://publius.test/tags/resist" class="mention hashtag" rel="tag">#<span>Resist</span></a></p>',
    );
  });

  test("blank lines make paragraphs; single line breaks become <br />", () => {
    assert.equal(renderStatusHtml("one\ntwo\n\nthree", links), "<p>one<br />two</p><p>three</p>");
    assert.equal(renderStatusHtml("a\r\n\r\n\r\n\r\nb\r\nc", links), "<p>a</p><p>b<br />c</p>");
    assert.equal(renderStatusHtml("\n\n  lead and trail  \n\n", links), "<p>lead and trail</p>");
    assert.equal(renderStatusHtml("   ", links), "");
  });

  // Tags that renderStatusHtml itself writes. Attribute values are escaped, so they hold no quote.
  const GENERATED_TAG =
    /<\/?p>|<br \/>|<\/a>|<\/?span>|<span class="h-card">|<a href="[^"<>]*" (?:rel="nofollow noopener noreferrer ugc" target="_blank"|class="u-url mention"|class="mention hashtag" rel="tag")>/g;
  const decode = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const hostile = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "<",
      ">",
      "&",
      '"',
      "'",
      "<script>",
      "</p>",
      "&amp;",
      "&#39;",
      "@alice",
      "@bob",
      "@alice@example.social",
      "#Tag",
      "#",
      "@",
      "https://example.com/<b>?q=\"'&",
      "https://x.org/a#b",
      "javascript:alert(1)",
      "\n",
      "\n\n",
      "\r\n",
      " ",
      "👍🏽",
    ),
  );
  const hostileText = fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join(""));

  test("property: outside the tags the renderer writes, no '<', '>' or '\"' survives and every '&' starts an entity", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = renderStatusHtml(text, links);
        const rest = html.replace(GENERATED_TAG, "");
        assert.doesNotMatch(rest, /[<>"]/, `unescaped character in ${JSON.stringify(html)}`);
        assert.doesNotMatch(rest, /&(?!(?:amp|lt|gt|quot|#39);)/, `bare ampersand in ${JSON.stringify(html)}`);
      }),
      { numRuns: 500 },
    );
  });

  test("property: rendering loses and adds nothing but whitespace", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = renderStatusHtml(text, links);
        const shown = decode(html.replace(GENERATED_TAG, ""));
        assert.equal(shown.replace(/\s/g, ""), text.replace(/\s/g, ""));
      }),
      { numRuns: 500 },
    );
  });
});

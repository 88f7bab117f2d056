// loadConfig lives in src/config/, but it is a pure function of its input, so it is tested here.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Config, ConfigError, loadConfig } from "../../src/config/config.ts";

function configError(env: Record<string, string | undefined>, message: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
      assert.equal(e.name, "ConfigError");
      assert.match(e.message, message);
      return true;
    },
  );
}

/** The settings this file is about (other files test the onion address and trusted proxies). */
function pick(config: Config) {
  const { port, host, dataDir, databaseUrl, publicUrl, registration, usersMayInvite, instanceName, logLevel } = config;
  return { port, host, dataDir, databaseUrl, publicUrl, registration, usersMayInvite, instanceName, logLevel };
}

describe("defaults", () => {
  test("an empty environment gives a working local configuration", () => {
    const config = loadConfig({});
    assert.deepEqual(pick(config), {
      port: 3000,
      host: "127.0.0.1",
      dataDir: resolve("./data"),
      databaseUrl: undefined,
      publicUrl: "http://127.0.0.1:3000",
      registration: "open",
      usersMayInvite: false,
      instanceName: "Publius",
      logLevel: "info",
    });
    assert.equal(config.onionUrl, undefined);
    assert.deepEqual(config.trustedProxies, []);
  });

  test("an empty value counts as unset", () => {
    const config = loadConfig({ PUBLIUS_PORT: "", PUBLIUS_REGISTRATION: "", PUBLIUS_DATABASE_URL: "" });
    assert.equal(config.port, 3000);
    assert.equal(config.registration, "open");
    assert.equal(config.databaseUrl, undefined);
  });

  test("variables Publius does not know are ignored", () => {
    assert.equal(loadConfig({ HOME: "/root", PUBLIUS_NONSENSE: "x" }).port, 3000);
  });
});

describe("values from the environment", () => {
  test("every setting is read and typed", () => {
    const config = loadConfig({
      PUBLIUS_PORT: "8080",
      PUBLIUS_HOST: "0.0.0.0",
      PUBLIUS_DATA_DIR: "/var/lib/publius",
      PUBLIUS_DATABASE_URL: "postgresql://publius@db/publius",
      PUBLIUS_PUBLIC_URL: "https://speak.example.org/",
      PUBLIUS_REGISTRATION: "approval",
      PUBLIUS_USERS_MAY_INVITE: "yes",
      PUBLIUS_INSTANCE_NAME: "Alt Agencies",
      PUBLIUS_LOG_LEVEL: "warn",
    });
    assert.deepEqual(pick(config), {
      port: 8080,
      host: "0.0.0.0",
      dataDir: "/var/lib/publius",
      databaseUrl: "postgresql://publius@db/publius",
      publicUrl: "https://speak.example.org",
      registration: "approval",
      usersMayInvite: true,
      instanceName: "Alt Agencies",
      logLevel: "warn",
    });
  });

  test("the default public address follows the host and port", () => {
    assert.equal(loadConfig({ PUBLIUS_HOST: "0.0.0.0", PUBLIUS_PORT: "4000" }).publicUrl, "http://127.0.0.1:4000");
    assert.equal(loadConfig({ PUBLIUS_HOST: "::" }).publicUrl, "http://127.0.0.1:3000");
    assert.equal(loadConfig({ PUBLIUS_HOST: "::1" }).publicUrl, "http://[::1]:3000");
  });

  test("each registration mode is accepted", () => {
    for (const mode of ["open", "approval", "invite"] as const) {
      assert.equal(loadConfig({ PUBLIUS_REGISTRATION: mode }).registration, mode);
    }
  });

  test("true/false flags accept true, 1, yes and false, 0, no", () => {
    for (const v of ["true", "1", "yes"])
      assert.equal(loadConfig({ PUBLIUS_USERS_MAY_INVITE: v }).usersMayInvite, true);
    for (const v of ["false", "0", "no"]) {
      assert.equal(loadConfig({ PUBLIUS_USERS_MAY_INVITE: v }).usersMayInvite, false);
    }
  });

  test("port 0 (any free port) and 65535 are allowed", () => {
    assert.equal(loadConfig({ PUBLIUS_PORT: "0" }).port, 0);
    assert.equal(loadConfig({ PUBLIUS_PORT: "65535" }).port, 65535);
  });
});

describe("bad values give a ConfigError that says what is wrong", () => {
  test("port", () => {
    for (const bad of ["abc", "70000", "65536", "-1", "3.5", "80 ", "0x50"]) {
      configError({ PUBLIUS_PORT: bad }, /PUBLIUS_PORT must be a whole number from 0 to 65535/);
    }
    configError({ PUBLIUS_PORT: "abc" }, /\(got "abc"\)/);
  });

  test("registration mode", () => {
    configError(
      { PUBLIUS_REGISTRATION: "closed" },
      /PUBLIUS_REGISTRATION must be open, approval or invite \(got "closed"\)/,
    );
    configError({ PUBLIUS_REGISTRATION: "Open" }, /PUBLIUS_REGISTRATION/);
  });

  test("database address", () => {
    configError({ PUBLIUS_DATABASE_URL: "mysql://db/publius" }, /PUBLIUS_DATABASE_URL must start with postgres:\/\//);
    configError({ PUBLIUS_DATABASE_URL: "/var/lib/publius.sqlite" }, /PUBLIUS_DATABASE_URL/);
  });

  test("public address", () => {
    configError({ PUBLIUS_PUBLIC_URL: "not a url" }, /PUBLIUS_PUBLIC_URL must be an absolute URL \(got "not a url"\)/);
    configError({ PUBLIUS_PUBLIC_URL: "ftp://example.org" }, /PUBLIUS_PUBLIC_URL must use http or https/);
    configError({ PUBLIUS_PUBLIC_URL: "https://example.org/publius" }, /must be an origin without a path/);
    configError({ PUBLIUS_PUBLIC_URL: "https://example.org/?x=1" }, /must be an origin without a path/);
    configError({ PUBLIUS_PUBLIC_URL: "https://example.org/#top" }, /must be an origin without a path/);
  });

  test("flag", () => {
    configError(
      { PUBLIUS_USERS_MAY_INVITE: "maybe" },
      /PUBLIUS_USERS_MAY_INVITE must be true or false \(got "maybe"\)/,
    );
  });

  test("log level", () => {
    configError(
      { PUBLIUS_LOG_LEVEL: "debug" },
      /PUBLIUS_LOG_LEVEL must be info, warn, error or silent \(got "debug"\)/,
    );
  });
});

describe("an optional JSON file named by PUBLIUS_CONFIG", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "publius-config-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  test("supplies values, JSON numbers and booleans included", () => {
    const file = write(
      "ok.json",
      JSON.stringify({
        PUBLIUS_PORT: 8443,
        PUBLIUS_REGISTRATION: "invite",
        PUBLIUS_USERS_MAY_INVITE: true,
        PUBLIUS_INSTANCE_NAME: "From the file",
      }),
    );
    const config = loadConfig({ PUBLIUS_CONFIG: file });
    assert.equal(config.port, 8443);
    assert.equal(config.registration, "invite");
    assert.equal(config.usersMayInvite, true);
    assert.equal(config.instanceName, "From the file");
    assert.equal(config.host, "127.0.0.1", "what the file leaves out keeps its default");
  });

  test("the environment wins over the file", () => {
    const file = write("both.json", JSON.stringify({ PUBLIUS_PORT: "8443", PUBLIUS_INSTANCE_NAME: "File" }));
    const config = loadConfig({ PUBLIUS_CONFIG: file, PUBLIUS_PORT: "9000" });
    assert.equal(config.port, 9000);
    assert.equal(config.instanceName, "File");
  });

  test("a bad value in the file is refused like one in the environment", () => {
    const file = write("badvalue.json", JSON.stringify({ PUBLIUS_REGISTRATION: "everyone" }));
    configError({ PUBLIUS_CONFIG: file }, /PUBLIUS_REGISTRATION must be open, approval or invite \(got "everyone"\)/);
  });

  test("an unknown key is refused, naming the key and the file", () => {
    const file = write("unknown.json", JSON.stringify({ PUBLIUS_PROT: 1 }));
    configError(
      { PUBLIUS_CONFIG: file },
      new RegExp(`unknown key PUBLIUS_PROT in ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
  });

  test("a missing file, broken JSON and a non-object are refused", () => {
    configError({ PUBLIUS_CONFIG: join(dir, "absent.json") }, /PUBLIUS_CONFIG: cannot read .*absent\.json/);
    configError({ PUBLIUS_CONFIG: write("broken.json", "{ port: 1") }, /PUBLIUS_CONFIG: cannot read .*broken\.json/);
    configError({ PUBLIUS_CONFIG: write("array.json", "[1, 2]") }, /must hold a JSON object/);
    configError({ PUBLIUS_CONFIG: write("null.json", "null") }, /must hold a JSON object/);
  });
});

// Drives a TypeScript client (openapi-typescript types + openapi-fetch), compiled with `tsc --strict`,
// against a running mock server: register, activation status, login, a 400 with field errors, a 204, listing
// proxies (filtered) and downloading the list.
//
// usage: node smoke.js <base URL>

import createClient from "openapi-fetch";
import type { components, paths } from "../../build/ts-client/schema";

// The two members of Node's `process` this script uses (no @types/node needed).
declare const process: { argv: string[]; exit(code: number): never };

const EMAIL = "typescript-smoke@example.com";
const PASSWORD = "Typescript-Smoke-Password-5";

function check(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Error(`typescript client: ${what} failed`);
  }
}

async function main(baseUrl: string): Promise<void> {
  const anonymous = createClient<paths>({ baseUrl });
  const registered = await anonymous.POST("/v2/register/", {
    body: { email: EMAIL, password: PASSWORD, recaptcha: "ts", tos_accepted: true },
  });
  check(registered.response.status === 200 && registered.data !== undefined, "register");
  // Nullable in the spec (the SDK's models allow null): a client checks before using it.
  const token = registered.data.token;
  check(typeof token === "string", "register: a token");
  check(registered.data.logged_in_existing_user === false, "register: logged_in_existing_user");

  const authed = createClient<paths>({ baseUrl, headers: { Authorization: `Token ${token}` } });
  const status = await authed.GET("/v2/activation/");
  check(status.response.status === 200 && status.data !== undefined, "activation status");
  check(status.data.email_is_verified === false, "activation status: email_is_verified");
  check(status.data.last_time_email_verification_email_sent === null, "activation status: null timestamp");

  const loggedIn = await anonymous.POST("/v2/login/", { body: { email: EMAIL, password: PASSWORD, recaptcha: "ts" } });
  check(loggedIn.response.status === 200 && loggedIn.data?.token?.length === 40, "login");

  const rejected = await anonymous.POST("/v2/register/", {
    body: { email: "typescript-weak@example.com", password: "password", recaptcha: "ts", tos_accepted: true },
  });
  const error: components["schemas"]["Error"] | undefined = rejected.error;
  check(rejected.response.status === 400 && error !== undefined, "400");
  check(JSON.stringify(error["password"]) === JSON.stringify(["This password is too common."]), "400: field errors");

  const reset = await anonymous.POST("/v2/resetpassword/", { body: { email: EMAIL, recaptcha: "ts" } });
  check(reset.response.status === 204, "204");

  const plans = await authed.GET("/v2/subscription/plan/");
  check(plans.response.status === 200 && plans.data !== undefined && plans.data.count === 1, "list plans");
  const planId = plans.data.results[0]!.id;

  // `country_code__in` is `explode: false`: one comma-joined value, which openapi-fetch sends when told.
  const lists = createClient<paths>({
    baseUrl,
    headers: { Authorization: `Token ${token}` },
    querySerializer: { array: { style: "form", explode: false } },
  });
  const page = await lists.GET("/v2/proxy/list/", {
    params: { query: { mode: "direct", country_code__in: ["US", "FR"], page_size: 100 } },
  });
  check(page.response.status === 200 && page.data !== undefined, "list proxies");
  check(page.data.count === 26, `list proxies: US and FR are 26 of 100, got ${page.data.count}`);
  check(page.data.results.every((p) => p.country_code === "US" || p.country_code === "FR"), "list proxies: the filter");

  const config = await authed.GET("/v3/proxy/config", { params: { query: { plan_id: planId } } });
  check(config.response.status === 200 && config.data !== undefined, "proxy config");
  const downloadToken = config.data.proxy_list_download_token;
  check(typeof downloadToken === "string", "proxy config: a download token");
  const download = await anonymous.GET(
    "/v2/proxy/list/download/{token}/{country_codes}/any/{authentication_method}/{endpoint_mode}/{search}/",
    {
      params: {
        path: {
          token: downloadToken,
          country_codes: "-",
          authentication_method: "username",
          endpoint_mode: "direct",
          search: "-",
        },
      },
      parseAs: "text",
    },
  );
  const lines = (download.data ?? "").split("\n").filter((line) => line.trim() !== "");
  check(download.response.status === 200 && lines.length === 100, `download: ${lines.length} lines`);
  check(lines.every((line) => line.trim().split(":").length === 4), "download: address:port:username:password");

  const created = await authed.POST("/v2/apikey/", { body: { label: "typescript smoke" } });
  check(created.response.status === 201 && created.data !== undefined, "create an API key");
  const key = created.data.key;
  check(typeof key === "string" && key.length === 40, "create an API key: the whole key");
  const withKey = createClient<paths>({ baseUrl, headers: { Authorization: `Token ${key}` } });
  check((await withKey.GET("/v2/activation/")).response.status === 200, "the new key works at once");
  const revoked = await authed.DELETE("/v2/apikey/{id}/", { params: { path: { id: created.data.id } } });
  check(revoked.response.status === 204, "revoke the API key");
  check((await withKey.GET("/v2/activation/")).response.status === 401, "a revoked key is refused");

  console.log(
    "typescript client (openapi-typescript + openapi-fetch, tsc --strict): register, activation status, login, " +
      "400 field errors, 204, list proxies (filtered), download the list, create and revoke an API key: ok",
  );
}

main(process.argv[2] ?? "").catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Drives a TypeScript client (openapi-typescript types + openapi-fetch), compiled with `tsc --strict`,
// against a running mock server: register, activation status, login, a 400 with field errors, and a 204.
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
  const token: string = registered.data.token;
  check(registered.data.logged_in_existing_user === false, "register: logged_in_existing_user");

  const authed = createClient<paths>({ baseUrl, headers: { Authorization: `Token ${token}` } });
  const status = await authed.GET("/v2/activation/");
  check(status.response.status === 200 && status.data !== undefined, "activation status");
  check(status.data.email_is_verified === false, "activation status: email_is_verified");
  check(status.data.last_time_email_verification_email_sent === null, "activation status: null timestamp");

  const loggedIn = await anonymous.POST("/v2/login/", { body: { email: EMAIL, password: PASSWORD, recaptcha: "ts" } });
  check(loggedIn.response.status === 200 && loggedIn.data?.token.length === 40, "login");

  const rejected = await anonymous.POST("/v2/register/", {
    body: { email: "typescript-weak@example.com", password: "password", recaptcha: "ts", tos_accepted: true },
  });
  const error: components["schemas"]["Error"] | undefined = rejected.error;
  check(rejected.response.status === 400 && error !== undefined, "400");
  check(JSON.stringify(error["password"]) === JSON.stringify(["This password is too common."]), "400: field errors");

  const reset = await anonymous.POST("/v2/resetpassword/", { body: { email: EMAIL, recaptcha: "ts" } });
  check(reset.response.status === 204, "204");

  console.log("typescript client (openapi-typescript + openapi-fetch, tsc --strict): register, activation status, login, 400 field errors, 204: ok");
}

main(process.argv[2] ?? "").catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

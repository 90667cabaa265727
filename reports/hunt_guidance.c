/*
 * Rotation guidance per credential family: where the responder rotates the key, the steps in
 * an order that keeps the key's consumers working (new credential first, then deactivate, then
 * delete), and what to look at next for what the other party did with it.
 *
 * Guidance is data: one table row per family (and per kind where the provider treats kinds
 * differently, as AWS does its temporary ASIA keys), written into the key's model object as
 * {"where": "...", "steps": [...], "check_next": [...]} so every format shows the same text.
 * It names consoles and commands, never the key itself: the model's next_steps do that.
 */
#include "hunt_render.h"

#include <strings.h>

#define GUIDE_STEPS 6

struct guide {
    enum kt_family fam;
    const char *kind; /* NULL: any kind of the family; else matched case-insensitively first */
    const char *where;
    const char *steps[GUIDE_STEPS];
    const char *check_next[GUIDE_STEPS];
};

static const struct guide guides[] = {
    {KT_FAM_AWS,
     "asia",
     "Temporary credentials cannot be deactivated by themselves: act on the role or user that "
     "issued them (IAM console, Roles, the role, Revoke active sessions)",
     {"Find where the session came from: the AssumeRole, GetSessionToken or instance-profile "
      "event that returned this ASIA key id (the credential chain shows it when it is in the "
      "logs)",
      "Revoke the role's active sessions; this attaches a deny policy conditioned on "
      "aws:TokenIssueTime, so sessions issued before now stop working and new ones still do",
      "For sessions from an IAM user's GetSessionToken, attach the same kind of deny policy "
      "(aws:TokenIssueTime before now) to the user, and rotate that user's access key",
      "Fix the source the session was taken from (an instance reachable by SSRF, a leaked "
      "build log, a developer machine); sessions otherwise end at their expiry, up to 12 hours "
      "for a role and 36 hours for GetSessionToken"},
     {"CloudTrail for every call made with this key id and the keys it created",
      "GuardDuty findings of the InstanceCredentialExfiltration kind for instance-role "
      "credentials, and whether the instance requires IMDSv2",
      "Roles this session assumed in turn, and resources created in every region"}},
    {KT_FAM_AWS,
     NULL,
     "IAM console (Users, the user, Security credentials) or `aws iam update-access-key "
     "--access-key-id ID --status Inactive --user-name USER`",
     {"Create a second access key for the user (`aws iam create-access-key`; a user may hold "
      "two) and give it to every consumer in the rotation plan",
      "Deactivate the old key (`aws iam update-access-key --status Inactive`): reversible if a "
      "forgotten consumer breaks",
      "Deactivate every key the other party created (see the credential chain) and undo the "
      "policies, users, login profiles and roles it created or changed",
      "Sessions already minted from the key with GetSessionToken stay valid until they expire: "
      "attach a deny-all policy with an aws:TokenIssueTime condition to the user to end them",
      "Delete the old key (`aws iam delete-access-key`) once CloudTrail shows no use of it for "
      "a week"},
     {"CloudTrail in every region, IAM events included, for the key and the keys it created: "
      "CreateUser, CreateAccessKey, CreateLoginProfile, PutUserPolicy, AttachUserPolicy, "
      "AssumeRole",
      "Running resources and the bill in every region (instances and functions started for "
      "mining are common)",
      "S3 data events or server access logs for what was read from the buckets the key could "
      "reach",
      "Whether AWS already attached its quarantine policy for compromised keys to the user, and "
      "any AWS Support case about the exposure"}},
    {KT_FAM_GITHUB,
     NULL,
     "github.com: Settings, Developer settings, Personal access tokens (organization owners: "
     "the organization's Personal access tokens settings; OAuth and GitHub App tokens: Settings, "
     "Applications)",
     {"Create a replacement with only the scopes and repositories each consumer needs (a "
      "fine-grained token with an expiry) and update every consumer in the rotation plan",
      "Delete or regenerate the leaked token; for an app's token (gho_, ghu_, ghs_) revoke the "
      "app's authorization or reset its client secret or private key",
      "A token you do not own (found in someone's commit) can be revoked through GitHub's "
      "credential revocation API"},
     {"The organization or enterprise audit log searched by hashed_token:\"...\" for every "
      "action of the token",
      "Repositories the token could write: new deploy keys, webhooks, collaborators, Actions "
      "secrets and workflow changes, pushed branches and tags, releases",
      "The account's security log: new SSH or GPG keys, tokens and authorized OAuth apps"}},
    {KT_FAM_GITLAB,
     NULL,
     "GitLab: User settings, Access tokens (project and group tokens under the project's or "
     "group's Settings, Access tokens), or the API: `POST /personal_access_tokens/:id/rotate`",
     {"Rotate the token (UI or rotate API): the old token is revoked at once and a new one with "
      "the same scopes is returned, so have the consumers ready",
      "Update CI/CD variables and every consumer in the rotation plan; narrow the scopes "
      "(read_api, read_repository) and set an expiry",
      "A deploy token (Settings, Repository, Deploy tokens) is revoked and re-created; a "
      "runner authentication token is reset from the runner's page or the runners API"},
     {"Audit events of the group and project, and the token's last-used time",
      "New members, deploy keys, webhooks, CI/CD variables, pipeline schedules and "
      "protected-branch changes",
      "Commits pushed and pipelines run since the leak"}},
    {KT_FAM_STRIPE,
     NULL,
     "Stripe Dashboard: Developers, API keys, the key's menu, Roll key (restricted keys can also "
     "be deleted)",
     {"Roll the key and choose when the old one expires: now if the other party is active, "
      "otherwise long enough to update every consumer in the rotation plan",
      "Prefer restricted keys (rk_live_) holding only the permissions each service needs",
      "Rotate webhook signing secrets stored in the same place as the key"},
     {"Developers, Logs: the requests made with the key, by address",
      "Refunds, payouts, changes to payout bank accounts, new connected accounts, and customer "
      "or card data listed",
      "Webhook endpoints added or changed"}},
    {KT_FAM_SLACK,
     NULL,
     "api.slack.com/apps: the app, OAuth & Permissions, Revoke tokens; or call `auth.revoke` "
     "with the token",
     {"Revoke the token (`auth.revoke`, or Revoke tokens on the app's OAuth & Permissions page)",
      "Reinstall the app to the workspace to issue a new token and update the consumers; "
      "consider token rotation (short-lived tokens with a refresh token)",
      "Regenerate the app's signing secret and client secret if they were stored with the "
      "token; incoming webhook URLs are separate secrets and need rotating too"},
     {"Access logs and, on Enterprise Grid, the Audit Logs API for the token's user or bot",
      "Messages posted (phishing to your own users), channels joined, files downloaded, apps "
      "and webhooks installed",
      "Conversations the token could read: what it exposed"}},
    {KT_FAM_GOOGLE,
     NULL,
     "Google Cloud console: APIs & Services, Credentials, the API key (or `gcloud services "
     "api-keys`)",
     {"Create a new key with application restrictions (referrers, addresses or apps) and API "
      "restrictions limited to the APIs it calls",
      "Update every consumer in the rotation plan, then delete the old key (`gcloud services "
      "api-keys delete`)"},
     {"APIs & Services metrics per credential, and billing, for traffic and charges since the "
      "leak (Maps and Gemini APIs are common targets)",
      "The other API keys and service account keys of the project: created or changed"}},
    {KT_FAM_OPENAI,
     NULL,
     "OpenAI platform: the project's API keys page (organization owners see every key)",
     {"Create a new project key with only the permissions it needs and update every consumer",
      "Revoke the leaked key: it stops working at once, there is no overlap",
      "Set project budgets and rate limits so a future leak costs less"},
     {"Usage per project and per key: spend and models since the leak",
      "Files, assistants, vector stores, batches and fine-tuning jobs created in the project",
      "Members, invitations and API keys added to the organization"}},
    {KT_FAM_NPM,
     NULL,
     "npmjs.com: Access Tokens, or `npm token list` and `npm token revoke ID`",
     {"Revoke the token (`npm token revoke`)",
      "Create a granular access token limited to the packages it publishes, with an expiry; in "
      "CI prefer trusted publishing (OIDC), which needs no stored token",
      "Update .npmrc files and CI secrets of every consumer; require two-factor authentication "
      "for publishing"},
     {"Versions published since the leak of every package the token could publish (`npm view "
      "PKG time`), and their contents; deprecate or unpublish malicious ones",
      "Maintainers added to the packages, and new tokens on the account"}},
    {KT_FAM_SENDGRID,
     NULL,
     "SendGrid: Settings, API Keys (a key cannot be rotated in place: create a new one, delete "
     "the old)",
     {"Create a new key with restricted access (Mail Send only for most senders) and update "
      "every consumer",
      "Delete the leaked key"},
     {"Email Activity for mail sent since the leak: phishing or spam sent as your domain",
      "Sender identities, authenticated domains, subusers, teammates and API keys added",
      "Bounce, spam report and block rates: the damage to your sending reputation"}},
    {KT_FAM_TWILIO,
     NULL,
     "Twilio Console: Account, API keys & tokens (API keys SK...; the account's Auth Token is "
     "rotated there too)",
     {"For an API key: create a new key, update every consumer, then delete the old key",
      "For the Auth Token: create a secondary token, update every consumer, then promote it to "
      "primary, which ends the old one",
      "Webhook signature validation uses the Auth Token: update the code that checks it"},
     {"Call and message logs for toll fraud and SMS pumping to premium destinations",
      "Usage and billing, and the voice and SMS geographic permissions",
      "Phone numbers, subaccounts, API keys and TwiML apps added"}},
    {KT_FAM_JWT,
     NULL,
     "The identity provider or service named by the token's issuer (iss): its sessions, "
     "client secrets and signing keys",
     {"Revoke the subject's sessions and refresh tokens at the issuer; a signed token itself "
      "stays valid until it expires unless the service checks a denylist (jti) or revocation",
      "If a signing secret leaked (HMAC algorithms), rotate it: anyone holding it can mint "
      "tokens for any subject",
      "Rotate the client secret or private key of the client the token was issued to (azp, "
      "client_id), and shorten token lifetimes"},
     {"The issuer's sign-in and token logs for the subject and client",
      "Tokens of the same issuer used from new places (`keytrail hunt --jwt-iss ISS`)",
      "The leaked tokens' exp: when they stop working by themselves"}},
    {KT_FAM_BASIC,
     NULL,
     "The service that holds the account named in the hint (for htpasswd files: "
     "`htpasswd FILE USER`)",
     {"Change the account's password and update every consumer in the rotation plan",
      "End the account's sessions where the service keeps them",
      "Where the service allows, replace the password with a token scoped to what the consumer "
      "needs"},
     {"The service's logs for the account from new addresses",
      "Other services where the same password may be in use (credential stuffing)",
      "Changes the account made since the leak"}},
    {KT_FAM_ANTHROPIC,
     NULL,
     "Claude Console: Settings, API keys (the Admin API can also set a key inactive)",
     {"Create a new key in the same workspace and update every consumer in the rotation plan",
      "Disable the leaked key, then delete it; a key pushed to a public GitHub repository may "
      "already have been deactivated through GitHub secret scanning",
      "Set workspace spend limits so a future leak costs less"},
     {"Usage and cost per key and workspace since the leak",
      "Files and message batches created in the workspace",
      "Members and API keys added to the organization"}},
    {KT_FAM_GENERIC,
     NULL,
     "The provider that issued the token: its API keys or access tokens page",
     {"Identify the service: the hosts and endpoints the token was sent to (use list, rotation "
      "plan)",
      "Issue a new credential, update every consumer in the rotation plan, then revoke the old "
      "one",
      "If the provider cannot revoke it, block the token at your gateway or proxy until it can"},
     {"The provider's own audit or usage logs for the token",
      "What the endpoints it called can change or read"}},
    {KT_FAM_NONE,
     NULL,
     "The system that issued the credential",
     {"Identify the service from the hosts and endpoints the credential was sent to",
      "Issue a new credential, update every consumer in the rotation plan, then revoke the old "
      "one"},
     {"The issuer's audit or usage logs for the credential"}},
};

static const struct guide *guide_for(enum kt_family fam, const char *kind)
{
    const struct guide *any = NULL;
    for (size_t i = 0; i < sizeof(guides) / sizeof(guides[0]); i++) {
        const struct guide *g = &guides[i];
        if (g->fam != fam) {
            continue;
        }
        if (g->kind == NULL) {
            any = any != NULL ? any : g;
        } else if (kind != NULL && strcasecmp(g->kind, kind) == 0) {
            return g;
        }
    }
    /* A family with no row (one added to the enum later) gets the generic advice. */
    return any != NULL ? any : guide_for(KT_FAM_GENERIC, NULL);
}

static enum kt_rc add_strings(struct json_object *obj, const char *name, const char *const *list)
{
    struct json_object *arr = json_object_new_array();
    if (arr == NULL) {
        return KT_ENOMEM;
    }
    for (size_t i = 0; i < GUIDE_STEPS && list[i] != NULL; i++) {
        struct json_object *s = json_object_new_string(list[i]);
        if (s == NULL || json_object_array_add(arr, s) != 0) {
            json_object_put(s);
            json_object_put(arr);
            return KT_ENOMEM;
        }
    }
    if (json_object_object_add(obj, name, arr) != 0) {
        json_object_put(arr);
        return KT_ENOMEM;
    }
    return KT_OK;
}

enum kt_rc kt_hunt_guidance_add(struct json_object *key, enum kt_family fam)
{
    struct json_object *g = NULL, *where = NULL, *kind = NULL;
    enum kt_rc rc = KT_ENOMEM;

    if (key == NULL || !json_object_is_type(key, json_type_object)) {
        return KT_EINVAL;
    }
    const char *kind_name =
        json_object_object_get_ex(key, "kind", &kind) && json_object_is_type(kind, json_type_string)
            ? json_object_get_string(kind)
            : NULL;
    const struct guide *row = guide_for(fam, kind_name);
    g = json_object_new_object();
    where = json_object_new_string(row->where);
    if (g == NULL || where == NULL || json_object_object_add(g, "where", where) != 0) {
        json_object_put(where);
        goto out;
    }
    if (add_strings(g, "steps", row->steps) != KT_OK ||
        add_strings(g, "check_next", row->check_next) != KT_OK) {
        goto out;
    }
    if (json_object_object_add(key, "guidance", g) != 0) {
        goto out;
    }
    return KT_OK;
out:
    json_object_put(g);
    return rc;
}

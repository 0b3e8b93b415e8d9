// server.mjs runs an oidc-provider instance (an OpenID Certified
// authorization server) on 127.0.0.1 for oauthkit's interop tests.
//
// Usage: node server.mjs [PORT]
//
// PORT comes from the first argument or the PORT environment variable; 0 (the
// default) picks a free port. When the server listens it prints one line,
// "READY http://127.0.0.1:PORT", on stdout. It exits on SIGTERM, SIGINT or
// when its standard input closes, so a parent process that dies takes it
// along.
//
// Environment:
//   PORT              port to listen on (0 or unset: a free port)
//   CLIENT_JWKS_FILE  path to a JSON Web Key Set with the public key of the
//                     private_key_jwt client (required)
//   MTLS_DIR          certificates for the mutual TLS listener and clients,
//                     see sender.mjs (optional)
//   WEB_APP_URLS      comma-separated base URLs of web login apps: the
//                     client web-client gets BASE/callback/interop as redirect
//                     URI and BASE/logout/return as post-logout redirect URI
//                     of each (optional)
//
// The clients, the test user and the secrets below are fixed test data and
// mirror interop/clients_test.go (and cli_test.go for cli-client).
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

import { listenMTLS, registerTokenExchange, withSenderConstraints } from './sender.mjs';

const REDIRECT_URI = 'http://127.0.0.1/callback';

// API is the resource indicator (RFC 8707) of the one protected API the
// provider knows. oidc-provider only issues access tokens for non-OpenID
// scopes (api:read, api:write) when a client asks for this resource.
const API = 'urn:oauthkit:interop:api';
const API_SCOPES = 'api:read api:write';

// The fixed test user. devInteractions logs in whatever "login" value the
// form receives; findAccount below knows only this one.
const USER = {
  sub: 'interop-user',
  email: 'interop-user@example.com',
  email_verified: true,
  name: 'Interop User',
  given_name: 'Interop',
  family_name: 'User',
  preferred_username: 'interop',
};

// INITIAL_ACCESS_TOKEN authorizes dynamic client registration (RFC 7591);
// interop/registration_test.go sends it.
const INITIAL_ACCESS_TOKEN = 'interop-initial-access-token';

const ALL_GRANTS = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
];

function clientJWKS() {
  const file = process.env.CLIENT_JWKS_FILE;
  if (!file) {
    throw new Error('CLIENT_JWKS_FILE must name the private_key_jwt client public JWKS');
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

// clients has one client per token endpoint authentication method.
function clients() {
  const common = {
    redirect_uris: [REDIRECT_URI],
    grant_types: ALL_GRANTS,
    response_types: ['code'],
  };
  return [
    {
      ...common,
      client_id: 'basic-client',
      client_secret: 'basic-secret',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      ...common,
      client_id: 'post-client',
      client_secret: 'post-secret',
      token_endpoint_auth_method: 'client_secret_post',
    },
    {
      // A public client: PKCE is required (see pkce.required), and it may
      // not use client_credentials.
      ...common,
      client_id: 'public-client',
      token_endpoint_auth_method: 'none',
      grant_types: ALL_GRANTS.filter((g) => g !== 'client_credentials'),
    },
    {
      // RFC 7518 section 3.2: an HS256 key has at least 256 bits.
      ...common,
      client_id: 'jwt-secret-client',
      client_secret: 'jwt-secret-client-secret-0123456789abcdef',
      token_endpoint_auth_method: 'client_secret_jwt',
      token_endpoint_auth_signing_alg: 'HS256',
    },
    {
      ...common,
      client_id: 'private-key-client',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: clientJWKS(),
    },
    ...webClient(),
    {
      // A client whose registration requires pushed authorization
      // requests (RFC 9126 section 6).
      ...common,
      client_id: 'par-client',
      client_secret: 'par-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      require_pushed_authorization_requests: true,
    },
    {
      // A native public client for the command-line tool: RFC 8252
      // section 7.3 loopback redirects, where oidc-provider accepts any
      // port for the registered http://127.0.0.1/callback.
      ...common,
      client_id: 'cli-client',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ALL_GRANTS.filter((g) => g !== 'client_credentials'),
    },
  ];
}

// webClient is the client of the web login apps of WEB_APP_URLS (see
// examples/weblogin), or none.
function webClient() {
  const bases = (process.env.WEB_APP_URLS ?? '').split(',').filter(Boolean);
  if (!bases.length) return [];
  return [{
    client_id: 'web-client',
    client_secret: 'web-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: bases.map((b) => `${b}/callback/interop`),
    post_logout_redirect_uris: bases.map((b) => `${b}/logout/return`),
  }];
}

// signingKeys makes fresh ID token signing keys for this run, and an
// encryption key that request objects may be encrypted to (RFC 9101
// section 6.1).
function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const enc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    keys: [
      { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rs256', use: 'sig', alg: 'RS256' },
      { ...ec.privateKey.export({ format: 'jwk' }), kid: 'es256', use: 'sig', alg: 'ES256' },
      { ...enc.privateKey.export({ format: 'jwk' }), kid: 'enc-ecdh', use: 'enc', alg: 'ECDH-ES' },
    ],
  };
}

function configuration() {
  return {
    clients: clients(),
    jwks: signingKeys(),
    cookies: { keys: ['oauthkit-interop-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    async findAccount(ctx, sub) {
      if (sub !== USER.sub) return undefined;
      return { accountId: sub, claims: async () => ({ ...USER }) };
    },
    // oidc-provider refuses outgoing requests to special-use addresses
    // (SSRF protection); the back-channel logout handler of the interop
    // tests listens on 127.0.0.1, so requests there go out without it.
    fetch(url, options) {
      if (new URL(url).hostname === '127.0.0.1') {
        delete options.dispatcher;
      }
      return globalThis.fetch(url, options);
    },
    // PKCE is required for public clients and optional for the others.
    pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
    // By default a refresh token needs scope offline_access and
    // prompt=consent; here every client allowed the refresh_token grant gets
    // one from the authorization_code and device_code grants.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Every refresh rotates the refresh token. Reusing a rotated one revokes
    // the whole grant, as does reusing an authorization code.
    rotateRefreshToken: true,
    features: {
      // Built-in login and consent pages; any login/password is accepted
      // (but findAccount knows only USER).
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // The hardened front channel: PAR (RFC 9126), request objects
      // (RFC 9101) also encrypted, JWT-secured responses (JARM), logout
      // (RP-initiated, back-channel) and dynamic registration (RFC 7591,
      // 7592).
      pushedAuthorizationRequests: { enabled: true },
      requestObjects: { enabled: true },
      encryption: { enabled: true },
      jwtResponseModes: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
      registration: { enabled: true, initialAccessToken: INITIAL_ACCESS_TOKEN },
      registrationManagement: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // No resource by default, so that authorization code access tokens
        // are for the userinfo endpoint.
        defaultResource: () => undefined,
        getResourceServerInfo(ctx, resource) {
          if (resource !== API) throw new errors.InvalidTarget();
          // Opaque, so that the introspection endpoint answers for them
          // (oidc-provider refuses to introspect its JWT access tokens).
          return { scope: API_SCOPES, audience: API, accessTokenFormat: 'opaque' };
        },
      },
    },
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
  // Listen first so that the issuer can name the port actually bound.
  const server = createServer();
  const bound = await listen(server, port);
  const issuer = `http://127.0.0.1:${bound}`;
  // DPoP, mTLS (on a TLS listener of its own) and token exchange.
  const mtls = await listenMTLS(listen);
  const provider = new Provider(issuer, withSenderConstraints(configuration(), mtls));
  registerTokenExchange(provider);
  server.on('request', provider.callback());
  mtls?.server.on('request', provider.callback());
  // A failed back-channel logout post is only an event; log it so that a
  // failing interop test shows why.
  provider.on('backchannel.error', (ctx, err, client) => {
    console.error(`backchannel logout to ${client.clientId} failed: ${err.message}`);
  });

  const stop = () => {
    mtls?.server.close();
    mtls?.server.closeAllConnections();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();

  process.stdout.write(`READY ${issuer}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

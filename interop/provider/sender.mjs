// sender.mjs adds to server.mjs what the sender-constrained token and
// token exchange interop tests need: DPoP (RFC 9449) with and without
// required nonces, mutual TLS (RFC 8705) on a second, TLS listener, and a
// token exchange grant (RFC 8693), which oidc-provider does not have.
//
// Environment:
//   MTLS_DIR  directory with server.pem and server-key.pem (the TLS
//             listener's certificate), ca.pem (the CA of tls_client_auth
//             client certificates) and self-signed-jwks.json (the
//             self_signed_tls_client_auth client's key, with x5c). Unset:
//             no TLS listener and no mTLS clients.
//
// The clients and secrets are fixed test data mirrored by
// interop/sender_test.go.
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

import { errors } from 'oidc-provider';

const REDIRECT_URI = 'http://127.0.0.1/callback';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const INTROSPECTOR = { id: 'exchange-introspector', secret: 'exchange-introspector-secret' };

// DEFAULT_AUTH_METHODS are oidc-provider's default clientAuthMethods.
const DEFAULT_AUTH_METHODS = ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none'];

// ROUTES are oidc-provider's default paths of the aliased routes.
const ROUTES = {
  token: '/token',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
  userinfo: '/me',
  pushed_authorization_request: '/request',
  device_authorization: '/device/auth',
};

// The endpoints that get an mTLS alias on the TLS listener.
const ALIASED = {
  token_endpoint: 'token',
  revocation_endpoint: 'revocation',
  introspection_endpoint: 'introspection',
  userinfo_endpoint: 'userinfo',
  pushed_authorization_request_endpoint: 'pushed_authorization_request',
  device_authorization_endpoint: 'device_authorization',
};

// listenMTLS starts the TLS listener of MTLS_DIR with listen (server.mjs's
// helper), asking for client certificates without requiring them, or
// returns undefined when MTLS_DIR is unset.
export async function listenMTLS(listen) {
  const dir = process.env.MTLS_DIR;
  if (!dir) return undefined;
  const read = (name) => readFileSync(join(dir, name));
  const server = createServer({
    cert: read('server.pem'),
    key: read('server-key.pem'),
    ca: [read('ca.pem')],
    requestCert: true,
    rejectUnauthorized: false,
  });
  const port = await listen(server, 0);
  return { server, url: `https://127.0.0.1:${port}`, selfSignedJWKS: JSON.parse(read('self-signed-jwks.json')) };
}

function senderClients(mtls) {
  const common = {
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const list = [
    // Every token request of these clients must carry a DPoP proof.
    { ...common, client_id: 'dpop-client', client_secret: 'dpop-secret', dpop_bound_access_tokens: true },
    // The same, with a server nonce required (see requireNonce).
    { ...common, client_id: 'dpop-nonce-client', client_secret: 'dpop-nonce-secret', dpop_bound_access_tokens: true },
    {
      ...common,
      client_id: 'exchange-client',
      client_secret: 'exchange-secret',
      grant_types: [TOKEN_EXCHANGE, 'client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
    {
      ...common,
      client_id: INTROSPECTOR.id,
      client_secret: INTROSPECTOR.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ];
  if (mtls) {
    list.push(
      {
        ...common,
        client_id: 'mtls-client',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=interop-mtls-client',
        tls_client_certificate_bound_access_tokens: true,
      },
      {
        ...common,
        client_id: 'self-signed-mtls-client',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: mtls.selfSignedJWKS,
        tls_client_certificate_bound_access_tokens: true,
      },
    );
  }
  return list;
}

// peerCertificate is the client certificate of the request's connection.
function peerCertificate(ctx) {
  const cert = ctx.socket.getPeerX509Certificate?.();
  return cert instanceof X509Certificate ? cert : undefined;
}

function senderFeatures(mtls) {
  const features = {
    dPoP: {
      enabled: true,
      nonceSecret: randomBytes(32),
      // private-key-client's assertions are single-use, so its nonce
      // retries must authenticate again.
      requireNonce: (ctx) => ['dpop-nonce-client', 'private-key-client'].includes(ctx.oidc?.client?.clientId),
    },
  };
  if (mtls) {
    features.mTLS = {
      enabled: true,
      certificateBoundAccessTokens: true,
      selfSignedTlsClientAuth: true,
      tlsClientAuth: true,
      getCertificate: peerCertificate,
      certificateAuthorized: (ctx) => ctx.socket.authorized === true,
      certificateSubjectMatches(ctx, property, expected) {
        const cert = peerCertificate(ctx);
        return property === 'tls_client_auth_subject_dn' && cert?.subject.split('\n').join(',') === expected;
      },
    };
  }
  return features;
}

// withSenderConstraints adds the clients, features and metadata of this
// file to server.mjs's configuration.
export function withSenderConstraints(configuration, mtls) {
  const c = { ...configuration };
  c.clients = [...configuration.clients, ...senderClients(mtls)];
  c.features = { ...configuration.features, ...senderFeatures(mtls) };
  c.extraTokenClaims = async (ctx, token) => {
    const act = ctx?.tokenExchangeActor;
    return act && token.gty === 'token_exchange' ? { act: { sub: act } } : undefined;
  };
  if (mtls) {
    c.clientAuthMethods = [
      ...(configuration.clientAuthMethods ?? DEFAULT_AUTH_METHODS),
      'tls_client_auth',
      'self_signed_tls_client_auth',
    ];
    const aliases = {};
    for (const [name, route] of Object.entries(ALIASED)) {
      aliases[name] = `${mtls.url}${ROUTES[route]}`;
    }
    c.discovery = { ...configuration.discovery, mtls_endpoint_aliases: aliases };
  }
  return c;
}

// introspect asks the provider's own introspection endpoint about token,
// as a resource server would: the token exchange trusts what it says.
async function introspect(provider, token) {
  const res = await fetch(provider.urlFor('introspection'), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${INTROSPECTOR.id}:${INTROSPECTOR.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  if (!res.ok) throw new errors.InvalidRequest(`introspection answered ${res.status}`);
  return res.json();
}

// tokenExchange is the RFC 8693 grant: the subject token (and the actor
// token, for delegation) must be active access tokens, as the provider's
// introspection endpoint says; the new access token is for the subject,
// issued to the requesting client, with the subject token's scope or a
// narrower one, and the audiences asked for.
async function tokenExchange(ctx) {
  const { params, client, provider } = ctx.oidc;
  if (params.subject_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest('subject_token_type must be an access token');
  }
  if (params.requested_token_type && params.requested_token_type !== ACCESS_TOKEN_TYPE) {
    throw new errors.InvalidRequest('only access tokens are issued');
  }
  const subject = await introspect(provider, params.subject_token);
  if (!subject.active || !subject.sub) {
    // RFC 8693 section 2.2.2: an unacceptable subject or actor token is
    // invalid_request, not invalid_grant.
    throw new errors.InvalidRequest('subject_token is not an active access token of a user');
  }
  if (params.actor_token) {
    if (params.actor_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest('actor_token_type must be an access token');
    }
    const actor = await introspect(provider, params.actor_token);
    if (!actor.active) throw new errors.InvalidRequest('actor_token is not active');
    ctx.tokenExchangeActor = actor.sub ?? actor.client_id;
  }
  const granted = new Set((subject.scope ?? '').split(' ').filter(Boolean));
  const scope = params.scope ?? subject.scope ?? '';
  if (!scope.split(' ').filter(Boolean).every((s) => granted.has(s))) {
    throw new errors.InvalidScope('scope exceeds the subject token', scope);
  }
  const grant = new provider.Grant({ accountId: subject.sub, clientId: client.clientId });
  grant.addOIDCScope(scope);
  const token = new provider.AccessToken({
    accountId: subject.sub, client, grantId: await grant.save(), gty: 'token_exchange', scope,
  });
  const audiences = [...[params.audience ?? []].flat(), ...[params.resource ?? []].flat()];
  // setAudience takes one value; a token exchange may name several.
  if (audiences.length) token.aud = audiences.length === 1 ? audiences[0] : audiences;
  ctx.oidc.entity('AccessToken', token);
  const value = await token.save();
  ctx.body = {
    access_token: value,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: token.tokenType,
    expires_in: token.expiration,
    scope: scope || undefined,
  };
}

// registerTokenExchange registers the token exchange grant with its
// parameters; audience and resource may be repeated.
export function registerTokenExchange(provider) {
  provider.registerGrantType(
    TOKEN_EXCHANGE,
    tokenExchange,
    ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'scope'],
    ['audience', 'resource'],
  );
}

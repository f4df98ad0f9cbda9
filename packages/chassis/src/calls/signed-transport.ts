import { SERVICE_TOKEN_HEADER, serviceUnauthenticated, type ServiceTokens } from '../auth/service-tokens.ts';
import { PROBLEM_BASE, problems } from '../contract/problems.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

const REFUSAL_TYPE = `"${PROBLEM_BASE}${serviceUnauthenticated().code}"`;

/** Who a call comes from: the calling service names itself in this header (calls/client.ts). */
const CALLER_HEADER = 'x-agora-caller';

/**
 * Adds the service token to every request to one service: `aud` the callee, `iss` the calling
 * service (its `x-agora-caller`), else this process' own name (the gateway's proxied requests).
 */
export class SignedTransport implements Transport {
  readonly #inner: Transport;
  readonly #audience: string;
  readonly #signing: ServiceSigning;

  constructor(inner: Transport, audience: string, signing: ServiceSigning) {
    this.#inner = inner;
    this.#audience = audience;
    this.#signing = signing;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const issuer = request.headers[CALLER_HEADER] ?? this.#signing.issuer;
    const token = await this.#signing.tokens.token(issuer, this.#audience);
    const response = await this.#inner.request({ ...request, headers: { ...request.headers, [SERVICE_TOKEN_HEADER]: token } });
    // The callee refusing this process' own token is a deployment fault, not the end user's: a 502
    // for the caller, never a 401 the gateway would pass on as if the user's sign-in were wrong.
    if (response.status === 401 && response.body.includes(REFUSAL_TYPE)) {
      throw problems.badGateway(`${this.#audience} refused the service token of ${issuer} (is SERVICE_TOKEN_KEY the same in every process?)`);
    }
    return response;
  }
}

/** How a process signs its calls: its tokens, and the name it calls under when no service does. */
export interface ServiceSigning {
  tokens: ServiceTokens;
  issuer: string;
}

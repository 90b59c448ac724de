import { PROPAGATED_HEADERS } from '@bookinfo/service-kit'

/** One distinct value for every header of contract §1.1, so a test can check each arrives verbatim. */
export const TRACE_HEADERS: Record<string, string> = {
  'x-request-id': '34eeb41d-d267-9e49-8b84-dde403fc5b72',
  'x-ot-span-context': 'ot-span-context-value',
  'x-datadog-trace-id': '1234567890123',
  'x-datadog-parent-id': '9876543210',
  'x-datadog-sampling-priority': '1',
  traceparent: '00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01',
  tracestate: 'vendor=opaque',
  'x-cloud-trace-context': '105445aa7843bc8bf206b120001000/1;o=1',
  'grpc-trace-bin': 'AAARf5iFyewQ3tPdkxRmbBAB',
  'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  'x-b3-spanid': 'e457b5a2e4d86bd1',
  'x-b3-parentspanid': '05e3ac9a4f6e3b90',
  'x-b3-sampled': '1',
  'x-b3-flags': '0',
  b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90',
  sw8: '40c7fdf104e3de67',
  'end-user': 'jason',
  'user-agent': 'bookinfo-test/1.0',
  cookie: 'session=abc.def; theme=dark',
  authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.test.signature',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.jwt.signature',
}

// The fixture must follow the kit's list: a header added there is then checked here too.
for (const name of PROPAGATED_HEADERS) {
  if (!(name in TRACE_HEADERS)) throw new Error(`fixture lacks propagated header ${name}`)
}

/** A Google Books `volumes?q=isbn:0486424618` answer, trimmed to the fields details reads. */
export const VOLUMES_ANSWER = {
  kind: 'books#volumes',
  totalItems: 1,
  items: [{
    kind: 'books#volume',
    id: 'C8ZQAAAAMAAJ',
    volumeInfo: {
      title: 'The Comedy of Errors',
      authors: ['William Shakespeare', 'A. N. Other'],
      publisher: 'Courier Corporation',
      publishedDate: '2002-01-01',
      industryIdentifiers: [
        { type: 'ISBN_13', identifier: '9780486424613' },
        { type: 'ISBN_10', identifier: '0486424618' },
      ],
      pageCount: 80,
      printType: 'BOOK',
      language: 'en',
    },
  }],
}

/** The details body details v2 renders from VOLUMES_ANSWER for product 0, byte for byte. */
export const EXTERNAL_BODY_0 = '{"id":0,"author":"William Shakespeare","year":"2002-01-01","type":"paperback","pages":80,' +
  '"publisher":"Courier Corporation","language":"English","ISBN-10":"0486424618","ISBN-13":"9780486424613"}'

export const STATIC_BODY = (id: number) => `{"id":${id},"author":"William Shakespeare","year":1595,"type":"paperback",` +
  '"pages":200,"publisher":"PublisherA","language":"English","ISBN-10":"1234567890","ISBN-13":"123-1234567890"}'

export { TRACE_HEADERS } from '@bookinfo/test-helpers/trace-headers'

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

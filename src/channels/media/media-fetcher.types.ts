export interface MediaFetcher { fetch(url: string): Promise<{ bytes: Buffer; contentType: string }> }

/**
 * Finds the customer of an order by tax number. The flag is off, yet the source reaches
 * CRM through the company-wide namespace object: option (a) of the article, not exportable.
 * The isolated way is an App-type context variable (see examples/invoices).
 */

async function find_customer(): Promise<void> {
    const inn = Context.data.customer_inn ?? '';
    const customer = await Global.ns._clients.app._companies.search()
        .where(f => f._inn.eq(inn))
        .first();
    if (customer) {
        Context.data.customer = customer;
    }
}

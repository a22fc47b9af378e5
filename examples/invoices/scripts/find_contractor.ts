/**
 * Process "Invoice approval", script "find_contractor".
 *
 * Finds the contractor of the invoice in the CRM "Companies" app by its tax number (INN)
 * and links it to the invoice.
 *
 * The Companies app is reached through the App-type context variable `companies`
 * (declared in the process context), not through the company-wide namespace object.
 * That keeps the script inside the workspace, so the workspace stays exportable.
 */

async function find_contractor(): Promise<void> {
    const inn = (Context.data.contractor_inn ?? '').replace(/\s+/g, '');
    if (!/^\d{10}(\d{2})?$/.test(inn)) {
        throw new Error(`"${Context.data.contractor_inn}" is not a valid tax number (10 or 12 digits)`);
    }

    // The description of the Companies app comes from the context variable.
    const companies = await Context.fields.companies.app.search()
        .where((f, g) => g.and(
            f.__deletedAt.eq(null),
            f._inn.eq(inn),
        ))
        .size(2)
        .all();

    if (companies.length === 0) {
        throw new Error(`No contractor with tax number ${inn} was found in CRM`);
    }
    if (companies.length > 1) {
        throw new Error(`Several contractors share tax number ${inn}; merge them in CRM first`);
    }

    const invoice = await Context.data.invoice!.fetch();
    invoice.data.contractor = companies[0];
    await invoice.save();

    Context.data.companies = companies[0];
}

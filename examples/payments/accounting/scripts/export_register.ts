/**
 * API method POST /registers/export of the `accounting` module.
 *
 * Reads a payment register of the `payments` workspace (listed in this script's `imports`)
 * and posts it to the accounting system whose URL is the module setting `accounting_url`.
 */

interface ExportRequest {
    registerId: string;
}

async function export_register(req: FetchRequest): Promise<HttpResponse> {
    const body = JSON.parse(req.body ?? '{}') as Partial<ExportRequest>;
    if (!body.registerId) {
        return new HttpResponse().status(400).content('registerId is required');
    }

    const register = await Namespaces.payments.app.payment_registers.search()
        .where(f => f.__id.eq(body.registerId!))
        .first();
    if (!register) {
        return new HttpResponse().status(404).content(`Register ${body.registerId} not found`);
    }

    const requests = await Promise.all((register.data.requests ?? []).map(r => r.fetch()));
    const payload = {
        number: register.data.number,
        paymentDate: register.data.payment_date?.format('YYYY-MM-DD'),
        payments: requests.map(r => ({
            number: r.data.number,
            contractor: r.data.contractor?.id,
            amount: r.data.amount?.asFloat(),
            currency: r.data.amount?.currency,
        })),
    };

    const url = Namespace.params.data.accounting_url;
    const res = await fetch(`${url}/registers`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
    });
    if (!res.ok) {
        return new HttpResponse().status(502).content(`Accounting answered ${res.status}`);
    }
    return new HttpResponse().status(202).content(await res.text());
}

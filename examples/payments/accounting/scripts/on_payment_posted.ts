/**
 * Event handler "payment_posted": the accounting system confirms that a register was paid.
 * Marks the register and its payment requests as paid in the `payments` workspace.
 */

async function mark_paid(event: { registerNumber: string }): Promise<void> {
    const register = await Namespaces.payments.app.payment_registers.search()
        .where(f => f.number.eq(event.registerNumber))
        .first();
    if (!register) {
        return;
    }

    for (const ref of register.data.requests ?? []) {
        const request = await ref.fetch();
        await request.setStatus(request.fields.__status.variants.paid);
    }
}

/**
 * Reserves the ordered goods. The script itself needs nothing outside the workspace,
 * but its Global flag was left switched on, and the flag alone blocks export.
 */

async function reserve_stock(): Promise<void> {
    const order = await Context.data.orders!.fetch();
    order.data.reserved = true;
    await order.save();
}

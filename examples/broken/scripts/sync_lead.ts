/**
 * Copies the lead source of an order from the `crm_ext` workspace. `crm_ext` is not part
 * of this package: the export works, but after import the script may find nothing.
 */

async function sync_lead(): Promise<void> {
    const source = await Namespaces.crm_ext.app.lead_sources.search()
        .where(f => f.name.eq(Context.data.lead_source_name ?? ''))
        .first();
    if (source) {
        Context.data.lead_source = source;
    }
}

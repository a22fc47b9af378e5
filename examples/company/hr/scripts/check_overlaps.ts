/**
 * Process "Vacation approval", script "check_overlaps" (Global flag on).
 *
 * Warns the manager when more than a third of the employee's department is already on
 * vacation in the requested period. The department comes from the org chart, which only
 * the configuration carries, hence the Global flag.
 */

async function check_overlaps(): Promise<void> {
    const request = await Context.data.request!.fetch();
    const employee = await request.data.employee!.fetch();

    const tree = await System.organisationStructure.fetchTree();
    const unit = tree.getUserNode(employee);
    const colleagues = unit ? await unit.getUsers() : [];
    if (colleagues.length === 0) {
        return;
    }

    const overlapping = await Global.ns.hr.app.vacation_requests.search()
        .where((f, g) => g.and(
            f.__status.eq(Global.ns.hr.app.vacation_requests.fields.__status.variants.approved),
            f.employee.in(colleagues),
            f.start_date.lte(request.data.end_date!),
            f.end_date.gte(request.data.start_date!),
        ))
        .all();

    Context.data.overlap_warning = overlapping.length * 3 > colleagues.length
        ? `${overlapping.length} of ${colleagues.length} colleagues are on vacation in this period`
        : '';
}

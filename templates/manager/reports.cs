<?cs include:"header.cs" ?>
<section class="card">
  <div class="titlebar"><h1><?cs var:L.reports.title ?></h1></div>
  <?cs call:errlist() ?>
  <form method="get" action="/<?cs var:Tenant.code ?>/manager/reports" class="filterbar reportfilter" id="report-filter">
    <label><?cs var:L.reports.text ?> <input name="text" id="f-text" value="<?cs var:Filter.text ?>" size="16" maxlength="100"></label>
    <label><?cs var:L.reports.definition ?> <select name="definition" id="f-definition"><option value=""><?cs var:L.log.any ?></option>
      <?cs each:d = Defs ?><option value="<?cs var:d.id ?>"<?cs if:d.id == Filter.definition ?> selected<?cs /if ?>><?cs var:d.name ?></option><?cs /each ?></select></label>
    <label><?cs var:L.reports.status ?> <select name="status" id="f-status"><option value=""><?cs var:L.log.any ?></option>
      <?cs each:s = L.rstatus ?><option value="<?cs name:s ?>"<?cs if:Filter.status == name(s) ?> selected<?cs /if ?>><?cs var:s ?></option><?cs /each ?></select></label>
    <label><?cs var:L.reports.label ?> <select name="label" id="f-label"><option value=""><?cs var:L.log.any ?></option>
      <?cs each:l = Labels ?><option value="<?cs var:l.id ?>"<?cs if:l.id == Filter.label ?> selected<?cs /if ?>><?cs var:l.path ?></option><?cs /each ?></select></label>
    <label><?cs var:L.reports.from ?> <input type="date" name="from" id="f-from" value="<?cs var:Filter.from ?>"></label>
    <label><?cs var:L.reports.to ?> <input type="date" name="to" id="f-to" value="<?cs var:Filter.to ?>"></label>
    <label><?cs var:L.reports.creator ?> <input name="creator" id="f-creator" value="<?cs var:Filter.creator ?>" size="12" maxlength="64"></label>
    <label><?cs var:L.reports.remarks ?> <input name="remarks" id="f-remarks" value="<?cs var:Filter.remarks ?>" size="12" maxlength="100"></label>
    <label><?cs var:L.reports.system_key ?> <input name="system_key" id="f-system-key" value="<?cs var:Filter.system_key ?>" size="12" maxlength="200"></label>
    <label><?cs var:L.reports.cluster ?> <select name="cluster" id="f-cluster"<?cs if:!subcount(Clusters) ?> disabled<?cs /if ?>>
      <?cs if:subcount(Clusters) ?><option value=""><?cs var:L.reports.cluster_none ?></option><?cs each:c = Clusters ?><option value="<?cs var:c.key ?>"<?cs if:c.key == Filter.cluster ?> selected<?cs /if ?>><?cs var:c.label ?></option><?cs /each ?>
      <?cs else ?><option value=""><?cs var:L.reports.cluster_pick ?></option><?cs /if ?></select></label>
    <label><?cs var:L.reports.value ?> <input name="value" id="f-value" value="<?cs var:Filter.value ?>" size="10"></label>
    <button type="submit" id="apply-report-filter"><?cs var:L.log.apply ?></button>
    <?cs if:Filter.query ?><a href="/<?cs var:Tenant.code ?>/manager/reports" id="clear-filter"><?cs var:L.reports.clear ?></a><?cs /if ?>
  </form>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/exports" class="filterbar exportbar" id="export-form"><?cs call:csrf() ?>
    <?cs each:k = Filter ?><?cs if:name(k) != "query" && name(k) != "cluster" && name(k) != "value" && k ?><input type="hidden" name="<?cs name:k ?>" value="<?cs var:k ?>"><?cs /if ?><?cs /each ?>
    <strong><?cs var:L.reports.export ?></strong>
    <label><?cs var:L.reports.export_format ?> <select name="format" id="export-format">
      <?cs each:f = L.exports.format ?><option value="<?cs name:f ?>"><?cs var:f ?></option><?cs /each ?></select></label>
    <label><?cs var:L.reports.export_encoding ?> <select name="encoding" id="export-encoding">
      <option value="utf-8">UTF-8</option><option value="shift_jis">Shift_JIS</option></select></label>
    <button type="submit" name="scope" value="filter" id="export-filter"><?cs var:L.reports.export_filter ?></button>
    <button type="submit" name="scope" value="selected" id="export-selected"><?cs var:L.reports.export_selected ?></button>
  </form>
  <table class="list" id="reports">
    <thead><tr><th class="pick"><span class="sr-only"><?cs var:L.reports.pick ?></span></th><th><?cs var:L.reports.number ?></th><th><?cs var:L.reports.name ?></th><th><?cs var:L.reports.definition ?></th>
      <th class="nowrap"><?cs var:L.reports.status ?></th><th class="nowrap"><?cs var:L.reports.creator ?></th><th class="nowrap"><?cs var:L.reports.updated ?></th></tr></thead>
    <tbody>
    <?cs each:x = Reports ?>
      <tr><td class="pick"><input type="checkbox" name="ids" value="<?cs var:x.id ?>" form="export-form" aria-label="<?cs var:L.reports.pick ?> <?cs var:x.name ?>"></td>
        <td class="nowrap"><?cs if:x.number ?><a href="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:x.id ?>"><?cs var:x.number ?></a><?cs else ?><span class="help">—</span><?cs /if ?></td>
        <td><a href="/<?cs var:Tenant.code ?>/manager/reports/<?cs var:x.id ?>"><?cs var:x.name ?></a></td>
        <td><?cs var:x.definition_name ?></td>
        <td class="nowrap"><span class="badge rs-<?cs var:x.status ?>"><?cs var:L.rstatus[x.status] ?><?cs if:x.stage_label ?> · <?cs var:x.stage_label ?><?cs /if ?></span></td>
        <td class="nowrap"><?cs if:x.creator_name ?><?cs var:x.creator_name ?><?cs else ?><?cs var:x.created_by ?><?cs /if ?></td>
        <td class="nowrap"><time datetime="<?cs var:x.updated_at ?>"><?cs var:x.updated ?></time></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs if:!subcount(Reports) ?><p class="help" id="no-reports"><?cs var:L.reports.none ?></p><?cs /if ?>
  <?cs if:Paged || Next ?><p class="pager"><?cs if:Paged ?><a id="newest" href="/<?cs var:Tenant.code ?>/manager/reports<?cs if:Filter.query ?>?<?cs var:Filter.query ?><?cs /if ?>"><?cs var:L.reports.newest ?></a><?cs /if ?>
  <?cs if:Next ?><a id="older" href="/<?cs var:Tenant.code ?>/manager/reports?<?cs var:Next ?>"><?cs var:L.reports.older ?></a><?cs /if ?></p><?cs /if ?>
</section>
<?cs include:"footer.cs" ?>

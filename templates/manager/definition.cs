<?cs include:"header.cs" ?>
<section class="card">
  <div class="titlebar"><h1><?cs var:Def.name ?></h1>
    <div class="actions"><a class="button" id="def-export" href="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/export?revision=<?cs var:Def.revision ?>"><?cs var:L.def.export ?></a></div></div>
  <dl class="facts">
    <dt><?cs var:L.defs.revision ?></dt><dd id="def-revision"><?cs var:Def.revision ?><?cs if:Def.revision != Def.latest ?> <a href="?"><?cs var:L.def.latest ?> (<?cs var:Def.latest ?>)</a><?cs /if ?></dd>
    <dt><?cs var:L.defs.status ?></dt><dd><span class="badge st-<?cs var:Def.status ?>" id="def-status"><?cs var:L.defstatus[Def.status] ?></span></dd>
    <dt><?cs var:L.defs.updated ?></dt><dd><?cs var:when(Def.updated_at) ?></dd>
    <?cs if:subcount(Def.stages) ?><dt><?cs var:L.def.stages ?></dt><dd><?cs each:s = Def.stages ?><?cs var:s.name ?> (<?cs var:s.group ?>)<?cs if:!last(s) ?> → <?cs /if ?><?cs /each ?></dd><?cs /if ?>
  </dl>
  <?cs call:errlist() ?>
  <?cs if:Perm.definitions_edit && Def.revision == Def.latest ?>
  <div class="row" id="def-status-actions">
    <?cs if:Def.status == "draft" ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/status" class="inline"><?cs call:csrf() ?><input type="hidden" name="status" value="test"><button type="submit" id="to-test"><?cs var:L.def.to_test ?></button></form><?cs /if ?>
    <?cs if:Def.status != "published" ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/status" class="inline"><?cs call:csrf() ?><input type="hidden" name="status" value="published"><button type="submit" class="primary" id="publish"><?cs var:L.def.publish ?></button></form><?cs /if ?>
    <?cs if:Def.status != "archived" ?><form method="post" action="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/status" class="inline"><?cs call:csrf() ?><input type="hidden" name="status" value="archived"><button type="submit" class="danger" id="archive"><?cs var:L.def.archive ?></button></form><?cs /if ?>
  </div>
  <?cs /if ?>
</section>
<?cs each:sh = Sheets ?>
<section class="card sheet-card">
  <h2><?cs var:L.def.sheet ?> <?cs var:sh.no ?>: <?cs var:sh.name ?> <span class="help"><?cs var:sh.width ?> × <?cs var:sh.height ?> pt</span></h2>
  <div class="sheet-wrap">
  <svg class="sheet" id="sheet-<?cs var:sh.no ?>" viewBox="0 0 <?cs var:sh.width ?> <?cs var:sh.height ?>" role="img" aria-label="<?cs var:L.def.preview ?> <?cs var:sh.no ?>">
    <rect class="paper" x="0" y="0" width="<?cs var:sh.width ?>" height="<?cs var:sh.height ?>"/>
    <?cs if:sh.background == "1" ?><image href="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/revisions/<?cs var:Def.revision ?>/sheets/<?cs var:sh.no ?>/background" x="0" y="0" width="<?cs var:sh.width ?>" height="<?cs var:sh.height ?>" preserveAspectRatio="none"/><?cs /if ?>
    <?cs each:c = sh.clusters ?>
    <a href="#c-<?cs var:sh.no ?>-<?cs var:c.id ?>" class="cl t-<?cs var:c.type ?><?cs if:c.required == "1" ?> req<?cs /if ?>">
      <title><?cs var:c.name ?> — <?cs var:c.type ?><?cs if:c.required == "1" ?> (<?cs var:L.def.required ?>)<?cs /if ?></title>
      <rect x="<?cs var:c.x ?>" y="<?cs var:c.y ?>" width="<?cs var:c.w ?>" height="<?cs var:c.h ?>"/>
      <text x="<?cs var:c.x ?>" y="<?cs var:c.ty ?>" dx="2"><?cs var:c.name ?> · <?cs var:c.type ?></text>
    </a>
    <?cs /each ?>
  </svg>
  </div>
  <details class="clusters"><summary><?cs var:L.def.clusters ?> (<?cs var:subcount(sh.clusters) ?>)</summary>
  <table class="list small">
    <thead><tr><th>#</th><th><?cs var:L.def.cname ?></th><th><?cs var:L.def.ctype ?></th><th><?cs var:L.def.required ?></th><th><?cs var:L.def.params ?></th></tr></thead>
    <tbody><?cs each:c = sh.clusters ?>
      <tr id="c-<?cs var:sh.no ?>-<?cs var:c.id ?>"><td><?cs var:c.id ?></td><td><?cs var:c.name ?></td><td><code><?cs var:c.type ?></code></td>
        <td><?cs if:c.required == "1" ?>✓<?cs /if ?></td>
        <td><?cs each:pp = c.params ?><span class="tag"><?cs var:pp.name ?>: <?cs var:pp.value ?></span> <?cs /each ?></td></tr>
    <?cs /each ?></tbody>
  </table></details>
</section>
<?cs /each ?>
<?cs if:Perm.design ?>
<section class="card">
  <h2><?cs var:L.def.revise ?></h2>
  <form method="post" enctype="multipart/form-data" action="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>" class="row" id="def-revise"><?cs call:csrf() ?>
    <input type="file" name="file" accept=".xml,.zip" required aria-label="<?cs var:L.defs.file ?>">
    <button type="submit" id="def-revise-button"><?cs var:L.def.revise_button ?></button>
  </form>
  <p class="help"><?cs var:L.def.revise_help ?></p>
</section>
<?cs /if ?>
<section class="card">
  <h2><?cs var:L.def.revisions ?></h2>
  <table class="list small" id="revisions">
    <thead><tr><th><?cs var:L.defs.revision ?></th><th><?cs var:L.defs.status ?></th><th><?cs var:L.def.created ?></th><th><?cs var:L.log.user ?></th><th><?cs var:L.def.clusters ?></th></tr></thead>
    <tbody><?cs each:v = Revisions ?>
      <tr><td><a href="?revision=<?cs var:v.revision ?>"><?cs var:v.revision ?></a></td><td><span class="badge st-<?cs var:v.status ?>"><?cs var:L.defstatus[v.status] ?></span></td>
        <td class="nowrap"><?cs var:when(v.created_at) ?></td><td><?cs var:v.created_by ?></td><td><?cs var:v.clusters ?></td></tr>
    <?cs /each ?></tbody>
  </table>
</section>
<?cs if:Perm.definitions_edit ?>
<section class="card">
  <h2><?cs var:L.def.labels ?></h2>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/labels" id="def-labels"><?cs call:csrf() ?>
    <div class="checks"><?cs each:l = Labels ?><label class="check"><input type="checkbox" name="label" value="<?cs var:l.id ?>"<?cs if:HasLabel[l.id] ?> checked<?cs /if ?>> <span><?cs var:l.path ?></span></label><?cs /each ?>
    <?cs if:!subcount(Labels) ?><span class="help"><?cs var:L.labels.none ?></span><?cs /if ?></div>
    <p><button type="submit" id="save-labels"><?cs var:L.common.save ?></button></p>
  </form>
</section>
<?cs /if ?>
<?cs if:Perm.users_edit ?>
<section class="card">
  <h2><?cs var:L.def.permissions ?></h2>
  <p class="help"><?cs var:L.def.permissions_help ?></p>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/definitions/<?cs var:Def.id ?>/permissions" id="def-perms"><?cs call:csrf() ?>
  <table class="list small"><thead><tr><th><?cs var:L.nav.groups ?></th><?cs each:dp = DefPerms ?><th><?cs var:L.perm[dp.name] ?></th><?cs /each ?></tr></thead>
  <tbody><?cs each:g = Groups ?><tr><td><?cs var:g.name ?></td>
    <?cs each:dp = DefPerms ?><td><input type="checkbox" name="grant" value="<?cs var:g.id ?>:<?cs var:dp.name ?>" aria-label="<?cs var:g.name ?> <?cs var:dp.name ?>"<?cs if:Grant[g.id][dp.key] ?> checked<?cs /if ?>></td><?cs /each ?></tr>
  <?cs /each ?></tbody></table>
  <p><button type="submit" id="save-perms"><?cs var:L.common.save ?></button></p>
  </form>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>

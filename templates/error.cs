<?cs set:Page.title = Error.title ?><?cs include:"header.cs" ?>
<section class="card error">
  <p class="status"><?cs var:Error.status ?></p>
  <h1><?cs var:Error.title ?></h1>
  <p><?cs var:Error.text ?></p>
  <?cs if:Error.detail ?><p class="detail"><?cs var:Error.detail ?></p><?cs /if ?>
  <p class="meta"><?cs var:L.error.request_id ?>: <code><?cs var:RequestId ?></code></p>
  <?cs if:Tenant.code ?><p><a href="/<?cs var:Tenant.code ?>/manager/"><?cs var:L.error.back ?></a></p><?cs /if ?>
</section>
<?cs include:"footer.cs" ?>

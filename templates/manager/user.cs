<?cs include:"header.cs" ?>
<section class="card">
  <h1><?cs if:U.id ?><?cs var:L.user.title ?>: <?cs var:U.login ?><?cs else ?><?cs var:L.user.new_title ?><?cs /if ?></h1>
  <?cs call:errlist() ?>
  <form method="post" <?cs if:U.id ?>enctype="multipart/form-data" action="/<?cs var:Tenant.code ?>/manager/users/<?cs var:U.id ?>"<?cs else ?>action="/<?cs var:Tenant.code ?>/manager/users/new"<?cs /if ?> class="grid" id="user-form"><?cs call:csrf() ?>
    <label for="f-login"><?cs var:L.user.login ?></label>
    <div><?cs if:U.id ?><input id="f-login" value="<?cs var:U.login ?>" disabled><p class="help"><?cs var:L.user.login_fixed ?></p>
      <?cs else ?><input id="f-login" name="login" value="<?cs var:U.login ?>" required maxlength="64" pattern="[A-Za-z0-9._@\-]+"><?cs call:ferr("login") ?><?cs /if ?></div>
    <label for="f-name"><?cs var:L.user.name ?></label>
    <div><input id="f-name" name="name" value="<?cs var:U.name ?>" required maxlength="200"><?cs call:ferr("name") ?></div>
    <label for="f-email"><?cs var:L.user.email ?></label>
    <div><input id="f-email" name="email" type="email" value="<?cs var:U.email ?>" maxlength="254"><?cs call:ferr("email") ?></div>
    <label for="f-lang"><?cs var:L.user.lang ?></label>
    <div><select id="f-lang" name="lang"><option value=""><?cs var:L.lang.auto ?></option>
      <option value="ja"<?cs if:U.lang == "ja" ?> selected<?cs /if ?>>日本語</option>
      <option value="en"<?cs if:U.lang == "en" ?> selected<?cs /if ?>>English</option></select></div>
    <label for="f-from"><?cs var:L.user.valid_from ?></label>
    <div><input id="f-from" name="valid_from" type="date" value="<?cs var:U.valid_from ?>"><?cs call:ferr("valid_from") ?></div>
    <label for="f-until"><?cs var:L.user.valid_until ?></label>
    <div><input id="f-until" name="valid_until" type="date" value="<?cs var:U.valid_until ?>"><?cs call:ferr("valid_until") ?></div>
    <span><?cs var:L.user.state ?></span>
    <div><label class="check"><input type="checkbox" name="enabled" value="1" id="f-enabled"<?cs if:U.enabled == "1" ?> checked<?cs /if ?>> <?cs var:L.user.enabled ?></label><?cs call:ferr("enabled") ?></div>
    <?cs if:!U.id ?>
    <label for="f-password"><?cs var:L.user.password ?></label>
    <div><input id="f-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="128"><?cs call:ferr("password") ?>
      <p class="help"><?cs var:L.account.rules ?></p></div>
    <?cs /if ?>
    <span><?cs var:L.nav.groups ?></span>
    <div class="checks" id="f-groups"><?cs each:g = Groups ?><?cs set:checked = 0 ?><?cs each:m = U.groups ?><?cs if:m == g.id ?><?cs set:checked = 1 ?><?cs /if ?><?cs /each ?>
      <label class="check"><input type="checkbox" name="groups" value="<?cs var:g.id ?>"<?cs if:checked ?> checked<?cs /if ?>> <?cs var:g.name ?></label>
    <?cs /each ?><?cs if:!subcount(Groups) ?><span class="help"><?cs var:L.groups.none ?></span><?cs /if ?><?cs call:ferr("groups") ?></div>
    <?cs if:U.id ?>
    <label for="f-seal"><?cs var:L.user.seal ?></label>
    <div><?cs if:U.has_seal == "1" ?><img class="seal" src="/<?cs var:Tenant.code ?>/manager/users/<?cs var:U.id ?>/seal" alt="<?cs var:L.user.seal ?>"><?cs /if ?>
      <input id="f-seal" name="seal" type="file" accept="image/png,image/jpeg"><?cs call:ferr("seal") ?><p class="help"><?cs var:L.user.seal_help ?></p></div>
    <?cs /if ?>
    <div></div><div><button type="submit" class="primary" id="save-user"><?cs var:L.common.save ?></button>
      <a href="/<?cs var:Tenant.code ?>/manager/users"><?cs var:L.common.cancel ?></a></div>
  </form>
</section>
<?cs if:U.id ?>
<section class="card">
  <h2><?cs var:L.user.reset ?></h2>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/users/<?cs var:U.id ?>/password" class="row"><?cs call:csrf() ?>
    <input name="password" type="password" autocomplete="new-password" aria-label="<?cs var:L.user.password ?>" required minlength="8" maxlength="128">
    <button type="submit" id="reset-password"><?cs var:L.user.reset_button ?></button>
  </form>
  <p class="help"><?cs var:L.user.reset_help ?></p>
</section>
<section class="card">
  <h2><?cs var:L.user.sessions ?></h2>
  <?cs if:subcount(Sessions) ?>
  <table class="list" id="sessions"><thead><tr><th><?cs var:L.session.kind ?></th><th><?cs var:L.session.created ?></th><th><?cs var:L.session.last_seen ?></th><th><?cs var:L.session.addr ?></th></tr></thead><tbody>
  <?cs each:s = Sessions ?><tr><td><?cs var:L.channel[s.kind] ?></td><td class="nowrap"><?cs var:when(s.created_at) ?></td><td class="nowrap"><?cs var:when(s.last_seen_at) ?></td><td><?cs var:s.client_addr ?></td></tr><?cs /each ?>
  </tbody></table>
  <form method="post" action="/<?cs var:Tenant.code ?>/manager/users/<?cs var:U.id ?>/sessions/end"><?cs call:csrf() ?>
    <button type="submit" class="danger" id="end-sessions"><?cs var:L.user.end_sessions ?></button></form>
  <?cs else ?><p class="help"><?cs var:L.user.no_sessions ?></p><?cs /if ?>
</section>
<?cs /if ?>
<?cs include:"footer.cs" ?>

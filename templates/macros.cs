<?cs def:csrf() ?><input type="hidden" name="_csrf" value="<?cs var:CSRF ?>"><?cs /def ?>
<?cs def:ferr(field) ?><?cs if:Errors[field] ?><p class="ferr" id="err-<?cs var:field ?>"><?cs var:Errors[field] ?></p><?cs /if ?><?cs /def ?>
<?cs def:errlist() ?><?cs if:subcount(ErrorList) ?><div class="alert" role="alert"><p><?cs var:L.form.has_errors ?></p><ul><?cs each:e = ErrorList ?><li><?cs var:e ?></li><?cs /each ?></ul></div><?cs /if ?><?cs /def ?>
<?cs def:notice() ?><?cs if:Notice ?><p class="notice" role="status"><?cs var:Notice ?></p><?cs /if ?><?cs /def ?>
<?cs def:yesno(v) ?><?cs if:v == "1" ?><?cs var:L.common.yes ?><?cs else ?><?cs var:L.common.no ?><?cs /if ?><?cs /def ?>

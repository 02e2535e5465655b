"""Posting a page's own form as a browser would: its fields read from the page, with their
current values, a few of them changed."""

from html.parser import HTMLParser


class PostForms(HTMLParser):
    """The post forms of a page: each a dict of its fields' names and submitted values."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.form = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.form["fields"][attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select:
            fields = self.form["fields"]
            if "selected" in attrs or self.select not in fields:
                fields[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            self.form["fields"][self.textarea] = ""

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def submit(client, url, changes, *, field):
    """Open `url`, fill in the post form that has `field` with `changes`, and post it as a
    browser would; the response after any redirect."""
    page = client.get(url)
    assert page.status_code == 200, url
    parser = PostForms()
    parser.feed(page.content.decode())
    form = next(f for f in parser.forms if field in f["fields"])
    data = {**form["fields"], **changes}
    return client.post(form["action"] or url, data, follow=True)

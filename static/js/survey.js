// Show a conditional question only when its condition is met. Without JavaScript every
// question shows with a note saying when to answer it; the server checks either way.
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) { return; }
  var conditional = form.querySelectorAll("[data-condition-question]");
  if (!conditional.length) { return; }

  function answerOf(key) {
    var inputs = form.querySelectorAll('[name="q.' + key + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked : input.value) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update() {
    conditional.forEach(function (fieldset) {
      var values = answerOf(fieldset.dataset.conditionQuestion);
      var expected = fieldset.dataset.conditionEquals !== undefined
        ? fieldset.dataset.conditionEquals : fieldset.dataset.conditionIncludes;
      var met = values.indexOf(expected) !== -1;
      fieldset.hidden = !met;
      fieldset.disabled = !met;  // disabled fields are not sent, so no stray answers
    });
  }

  form.addEventListener("change", update);
  update();
}());

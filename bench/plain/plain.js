// The plain-JavaScript lookup that make bench compares the module with on a
// first visit: fetch with btoa, the body shown as text.
const form = document.getElementById("lookup");
const result = document.getElementById("result");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  result.dataset.state = "loading";
  const resp = await fetch(data.get("baseURL") + "/account", {
    headers: { Authorization: "Basic " + btoa(data.get("username") + ":" + data.get("password")), Accept: "application/json" },
    credentials: "omit", redirect: "error",
  });
  result.textContent = `Status: ${resp.status}\nBody: ${await resp.text()}`;
  result.dataset.state = "done";
});
document.getElementById("submit").disabled = false;

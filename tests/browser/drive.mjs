// Drives Neo4j Browser in Debian's headless Chromium through playwright-core (which never
// downloads a browser). Reads one JSON object on stdin, written by tests/test_browser.py:
//   chromium, url (Browser, with ?dbms=bolt://neo4j@host:port), password,
//   favourites (path of kg browser's zip), style (path of its .grass file),
//   params (object), folder and question (the favourite to run), screenshot (path)
// and prints one JSON object: the favourites shown, the style frame's text, and the result
// frame's rows as the Browser's table shows them.
//
// What we relied on (neo4j/neo4j-browser sources and manual): the `dbms` and
// `preselectAuthMethod` URL parameters fill the connect frame; files dropped on the app's
// `.filedrop` element are read by FileDrop: a .zip is imported as favourites, a .grass file
// is applied as the graph style and answered with a `:style` frame. `:param name => value`
// sets a parameter as Cypher reads it (`:params {...}` would make every number a float).
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { chromium } from 'playwright-core'

const input = JSON.parse(readFileSync(0, 'utf8'))
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run']

async function dropFile (page, path, type) {
  const bytes = [...readFileSync(path)]
  const transfer = await page.evaluateHandle(([name, data, mime]) => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(data)], name, { type: mime }))
    return dt
  }, [basename(path), bytes, type])
  await page.dispatchEvent('.filedrop', 'dragenter', { dataTransfer: transfer })
  await page.dispatchEvent('.filedrop', 'drop', { dataTransfer: transfer })
}

async function run (page, text) {
  const editor = page.locator('#monaco-main-editor, .monaco-editor').first()
  await editor.click()
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Delete')
  await page.keyboard.insertText(text)
  await page.keyboard.press('Control+Enter')
}

const browser = await chromium.launch({ executablePath: input.chromium, args: FLAGS, headless: true })
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
page.setDefaultTimeout(60000)
const report = {}
try {
  await page.goto(input.url)
  await page.locator('input[type=password]').fill(input.password)
  await page.getByRole('button', { name: 'Connect', exact: true }).click()
  await page.getByText('You are connected as user').first().waitFor()

  await dropFile(page, input.favourites, 'application/zip')
  await dropFile(page, input.style, '')
  await page.locator('[data-testid="frame"], article').filter({ hasText: 'node.Paper' }).first()
    .waitFor()
  report.style = await page.locator('article').filter({ hasText: 'node.Paper' }).first()
    .innerText()

  for (const [name, value] of Object.entries(input.params)) {
    await run(page, `:param ${name} => ${JSON.stringify(value)}`)  // `=>`: an integer stays one
  }
  await page.waitForTimeout(1000)

  // the module, from the imported favourites: open the drawer, the kit's folder, the query
  await page.getByTestId('navigationFavorites').click()
  await page.getByText(input.folder, { exact: true }).first().click()
  const frames = await page.getByTestId('frame').count()
  await page.getByText(input.question, { exact: true }).first().click()
  await page.waitForTimeout(2000)
  if (await page.getByTestId('frame').count() === frames) {
    await page.getByTestId('editor-Run').first().click()  // the favourite went to the editor
  }
  await page.getByTestId('navigationFavorites').click()
  const result = page.getByTestId('frame').first()
  report.command = await result.getByTestId('frameCommand').innerText()
  const table = result.locator('table')
  await table.waitFor()
  await page.waitForTimeout(1000)
  report.rows = await table.locator('tr').allInnerTexts()
  await page.screenshot({ path: input.screenshot })
} catch (error) {
  report.error = String(error)
  await page.screenshot({ path: input.screenshot + '.failed.png' })
} finally {
  await browser.close()
}
process.stdout.write(JSON.stringify(report))

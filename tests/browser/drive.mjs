// Drives Neo4j Browser in Debian's headless Chromium through playwright-core (which never
// downloads a browser). Reads one JSON object on stdin, written by tests/test_browser.py:
//   chromium, url (Browser, with ?dbms=bolt://neo4j@host:port), password,
//   favourites (path of kg browser's zip), style (path of its .grass file),
//   params (object), folder and question (the favourite to run), guide (the :guide URL),
//   guideQuestion (the slide to run), pattern (a Pattern to expand), start (the Cypher
//   of the screenshot), screenshot (path)
// and prints one JSON object: the style frame's text, the favourite's rows as Browser's
// table shows them, the guide's first title and the rows of the slide's query, the nodes and
// relationships drawn once the Pattern node is expanded, and the start graph's node count.
//
// What we relied on (neo4j/neo4j-browser sources and manual): the `dbms` and
// `preselectAuthMethod` URL parameters fill the connect frame; files dropped on the app's
// `.filedrop` element are read by FileDrop: a .zip is imported as favourites, a .grass file
// is applied as the graph style and answered with a `:style` frame. `:param name => value`
// sets a parameter as Cypher reads it (`:params {...}` would make every number a float).
// `:guide URL` opens the guide drawer (data-testid guidesDrawer, guideNextSlide); Browser
// puts a play icon (an <i>) first in each `pre.runnable`, which runs the block; the graph
// view draws nodes as `svg g.node` and relationships as `svg g.relationship`, and a
// double-click on a node adds its neighbours.
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

  // the guide: play it, page to the question, run its blocks (parameters, then the query)
  await run(page, `:guide ${input.guide}`)
  const drawer = page.getByTestId('guidesDrawer')
  await drawer.locator('pre.runnable').first().waitFor()
  report.guideTitle = await drawer.locator('h3').first().innerText()
  for (let i = 0; i < 12 && !(await drawer.getByText(input.guideQuestion).count()); i++) {
    await page.getByTestId('guideNextSlide').click()
  }
  const blocks = drawer.locator('pre.runnable:visible')
  for (let i = 0; i < await blocks.count(); i++) {
    await blocks.nth(i).locator('i').first().click()  // Browser's play icon: runs the block
    await page.waitForTimeout(500)
  }
  const answer = page.getByTestId('frame').first()
  report.guideCommand = await answer.getByTestId('frameCommand').innerText()
  await answer.locator('table').waitFor()
  await page.waitForTimeout(1000)
  report.guideRows = await answer.locator('table tr').allInnerTexts()

  // a Pattern node alone, then its neighbours (a double-click expands a node)
  await run(page, `MATCH (pattern:Pattern {name: '${input.pattern}'}) RETURN pattern`)
  const pattern = page.getByTestId('frame').first()
  await pattern.locator('svg g.node').first().waitFor()
  await page.waitForTimeout(1500)
  await pattern.locator('svg g.node').first().dblclick()
  await page.waitForTimeout(3000)
  report.expanded = {
    nodes: await pattern.locator('svg g.node').count(),
    relationships: await pattern.locator('svg g.relationship').count()
  }

  // the graph a researcher starts from, styled: the screenshot
  await run(page, input.start)
  const graph = page.getByTestId('frame').first()
  await graph.locator('svg g.node').first().waitFor()
  await page.waitForTimeout(4000)
  report.startNodes = await graph.locator('svg g.node').count()
  await page.screenshot({ path: input.screenshot })
} catch (error) {
  report.error = String(error)
  await page.screenshot({ path: input.screenshot + '.failed.png' })
} finally {
  await browser.close()
}
process.stdout.write(JSON.stringify(report))

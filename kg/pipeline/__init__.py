"""The stages, each handing the next stored records: fetch (OpenAlex and full text into the
workspace), extract (papers into stored outcomes, by a registered extractor), build (stored
outcomes into the graph, recorded as a build)."""

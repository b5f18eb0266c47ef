"""The bundled routines and assets, as package data.

`routines` and `assets` here are links to the repository's top-level folders of those names,
which stay where people edit them; a build copies what they hold into the wheel and the sdist,
so an installed package carries its data and finds it through `importlib.resources`.
"""

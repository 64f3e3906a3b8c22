home-intro = Un órgano de Estados miembros que negocia y aplica un código internacional de conducta para la seguridad de la información. Cada acto de un miembro es una declaración firmada con la clave propia de ese Estado y añadida a un único registro público que cualquiera puede auditar; las decisiones siguen solo el reglamento que los miembros adoptaron.
home-members = { $count ->
    [one] { $count } Estado miembro
   *[other] { $count } Estados miembros
}
home-open-ballots = Votaciones abiertas
home-no-open-ballots = No hay ninguna votación abierta.
home-all-open = { $count ->
    [1] La única votación abierta
   *[other] Las { $count } votaciones abiertas
}
home-latest-decisions = Últimas decisiones
home-no-decisions = Aún no hay decisiones.
home-log = El registro público
home-log-size = Entradas firmadas cuando se leyó esta página: { $size }
home-log-root = Hash raíz:
home-log-verify = Ver el punto de control y verificar las entradas
home-witnesses = Los testigos que cofirman sus puntos de control
